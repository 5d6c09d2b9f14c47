// What the public board draws from one answer of GET /api/v1/board/public: the totals in big
// figures, check-ins per minute over the last hour (plain bars: no chart library for a
// phone to download), and one card per event with its progress and, where it has unit
// quotas, the units' attendance. Every figure is a count; the answer holds no person.
import { h, replace } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmt, fmtNumber, fmtRange, kindLabel } from '../shared/format.js';
import { counter } from '../board/counter.js';

const UNITS_SHOWN = 5;
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${(100 * rate).toFixed(1)}%`);
const label = (key) => h('span', { dataset: { i18n: key } }, t(key));

function totalsPanel() {
  const el = {
    checked: h('strong', { class: 'pb-big', dataset: { total: 'checked_in' } }),
    registered: h('strong', { dataset: { total: 'registered' } }),
    rate: h('strong', { dataset: { total: 'rate' } }),
    served: h('strong', { dataset: { total: 'served' } }),
  };
  const servedBox = h('div', { class: 'pb-fig', hidden: true }, label('board.totals.served'), el.served);
  const root = h('section', { class: 'pb-panel pb-totals' },
    h('div', { class: 'pb-hero' }, label('board.totals.checked_in'), el.checked),
    h('div', { class: 'pb-figs' },
      h('div', { class: 'pb-fig' }, label('board.totals.registered'), el.registered),
      h('div', { class: 'pb-fig' }, label('board.totals.rate'), el.rate),
      servedBox));
  const checked = counter(el.checked, fmtNumber);
  const registered = counter(el.registered, fmtNumber);
  const served = counter(el.served, fmtNumber);
  return {
    root,
    paint(tot, anyClinic) {
      checked.set(tot.checked_in);
      registered.set(tot.registered);
      served.set(tot.served);
      el.rate.textContent = percent(tot.rate);
      servedBox.hidden = !anyClinic && !tot.served;
    },
  };
}

function chartPanel() {
  const bars = h('div', { class: 'pb-bars', role: 'img' });
  const axis = h('div', { class: 'pb-axis' });
  const peak = h('span', { class: 'pb-peak' });
  const root = h('section', { class: 'pb-panel pb-chart' },
    h('h2', { class: 'pb-panel-title' }, label('board.per_minute'), peak), bars, axis);
  let last = [];
  function paint(perMinute = last) {
    last = perMinute;
    const most = Math.max(0, ...perMinute.map((m) => m.count));
    const max = Math.max(1, most);
    replace(bars, perMinute.map((m) => h('span', {
      class: 'pb-bar',
      title: `${fmt(m.minute, 'time')} · ${m.count}`,
      style: { height: `${(100 * m.count) / max}%` },
    })));
    // A time under every tenth minute, the newest at the right edge.
    replace(axis, perMinute.filter((m, i) => (perMinute.length - 1 - i) % 10 === 0)
      .map((m) => h('span', {}, fmt(m.minute, 'time'))));
    const total = perMinute.reduce((n, m) => n + m.count, 0);
    peak.textContent = t('pb.chart_peak', { n: fmtNumber(most) });
    bars.setAttribute('aria-label', t('pb.chart_label', { n: fmtNumber(total) }));
    bars.dataset.total = String(total);
  }
  return { root, paint, repaint: () => paint() };
}

function makeCard() {
  const el = {
    kind: h('span', { class: 'pb-kind' }),
    title: h('h3', { class: 'pb-card-title' }),
    when: h('p', { class: 'pb-card-meta' }),
    checked: h('strong', { class: 'pb-card-checked', dataset: { field: 'checked_in' } }),
    registered: h('span', { class: 'pb-card-registered', dataset: { field: 'registered' } }),
    rate: h('span', { class: 'pb-card-rate' }),
    capacity: h('span', { class: 'pb-card-capacity' }),
    served: h('p', { class: 'pb-card-served', dataset: { field: 'served' } }),
    fill: h('span', { class: 'pb-fill' }),
    units: h('ol', { class: 'pb-units' }),
  };
  const root = h('article', { class: 'pb-card' },
    h('div', { class: 'pb-card-top' }, el.kind, el.title),
    el.when,
    h('div', { class: 'pb-card-figures' },
      h('div', {}, el.checked, h('span', { class: 'pb-sep' }, '/'), el.registered),
      h('div', { class: 'pb-card-side' }, el.rate, el.capacity)),
    h('div', { class: 'pb-meter' }, el.fill),
    el.served,
    el.units);
  const checked = counter(el.checked, fmtNumber);
  const registered = counter(el.registered, fmtNumber);
  let row = null;
  function paint(next = row) {
    row = next;
    root.dataset.eventId = String(row.id);
    root.dataset.kind = row.kind;
    el.kind.textContent = kindLabel(row.kind);
    el.title.textContent = row.title;
    el.when.textContent = [fmtRange(row.starts_at, row.ends_at), row.venue].filter(Boolean).join(' · ');
    checked.set(row.checked_in);
    registered.set(row.registered);
    el.rate.textContent = percent(row.rate);
    el.capacity.textContent = row.capacity === null ? t('board.unlimited') : t('board.capacity', { n: fmtNumber(row.capacity) });
    el.fill.style.width = `${Math.min(100, 100 * (row.rate || 0))}%`;
    el.served.hidden = !row.services?.length;
    el.served.textContent = row.services?.length ? t('board.served_n', { n: fmtNumber(row.served || 0) }) : '';
    const units = (row.units || []).slice(0, UNITS_SHOWN);
    el.units.hidden = units.length === 0;
    replace(el.units, units.length ? h('li', { class: 'pb-units-head' }, label('pb.units')) : null,
      units.map((u) => h('li', {},
        h('span', { class: 'pb-unit-name' }, u.unit),
        h('span', { class: 'pb-unit-figs' }, `${fmtNumber(u.checked_in)} / ${fmtNumber(u.expected)}`),
        h('span', { class: 'pb-unit-rate' }, percent(u.rate)))));
  }
  return { root, paint, repaint: () => paint() };
}

export function createPublicView(main) {
  const totals = totalsPanel();
  const chart = chartPanel();
  const cardsBox = h('div', { class: 'pb-cards' });
  const none = h('p', { class: 'pb-none', hidden: true }, label('pb.none'));
  const cards = new Map();
  main.append(h('div', { class: 'pb-top' }, totals.root, chart.root),
    h('section', { class: 'pb-events' }, h('h2', { class: 'pb-panel-title' }, label('board.events')), none, cardsBox));

  return {
    paint(f) {
      const events = f.events || [];
      totals.paint(f.totals || {}, events.some((e) => e.services?.length));
      chart.paint(f.per_minute || []);
      const keep = new Set(events.map((e) => e.id));
      for (const id of cards.keys()) if (!keep.has(id)) cards.delete(id);
      for (const e of events) {
        if (!cards.has(e.id)) cards.set(e.id, makeCard());
        cards.get(e.id).paint(e);
      }
      replace(cardsBox, events.map((e) => cards.get(e.id).root));
      none.hidden = events.length > 0;
    },
    repaint() {
      for (const node of main.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
      chart.repaint();
      for (const c of cards.values()) c.repaint();
    },
  };
}
