// One card per event: kind, title, venue, checked in of registered (and capacity), a bar.
import { h, replace } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtNumber, kindLabel } from '../shared/format.js';
import { counter } from './counter.js';

function makeCard(row) {
  const el = {
    kind: h('span', { class: 'b-kind' }),
    status: h('span', { class: 'b-card-status' }),
    title: h('h3', { class: 'b-card-title' }),
    venue: h('span', { class: 'b-card-venue' }),
    checked: h('strong', { class: 'b-card-checked', dataset: { field: 'checked_in' } }),
    registered: h('span', { class: 'b-card-registered', dataset: { field: 'registered' } }),
    capacity: h('span', { class: 'b-card-capacity' }),
    pct: h('span', { class: 'b-card-pct' }),
    served: h('span', { class: 'b-card-served', dataset: { field: 'served' } }),
    fill: h('span', { class: 'b-bar-fill' }),
  };
  const root = h('article', { class: 'b-card', dataset: { eventId: row.id } },
    el.title,
    h('div', { class: 'b-card-top' }, el.kind, el.status, el.served, el.venue),
    h('div', { class: 'b-card-figures' },
      h('div', { class: 'b-card-main' }, el.checked, h('span', { class: 'b-card-sep' }, '/'), el.registered),
      h('div', { class: 'b-card-side' }, el.pct, el.capacity)),
    h('div', { class: 'b-bar' }, el.fill));
  const checked = counter(el.checked, fmtNumber);
  const registered = counter(el.registered, fmtNumber);
  let last = row;
  const paint = (r) => {
    last = r;
    root.dataset.kind = r.kind;
    root.dataset.status = r.status;
    el.kind.textContent = kindLabel(r.kind);
    el.status.textContent = r.status !== 'open' ? t(`status.${r.status}`) : '';
    el.title.textContent = r.title;
    el.venue.textContent = r.venue || '';
    // A free clinic's people served, most of whom never registered.
    el.served.hidden = !r.services?.length;
    el.served.textContent = r.services?.length ? t('board.served_n', { n: fmtNumber(r.served || 0) }) : '';
    checked.set(r.checked_in);
    registered.set(r.registered);
    el.capacity.textContent = r.capacity === null ? t('board.unlimited') : t('board.capacity', { n: fmtNumber(r.capacity) });
    const pct = r.registered > 0 ? Math.min(100, (100 * r.checked_in) / r.registered) : 0;
    el.pct.textContent = `${Math.round(pct)}%`;
    el.fill.style.width = `${pct}%`;
  };
  paint(row);
  return { root, paint, repaint: () => paint(last), row: () => last };
}

export function createCards(container) {
  const cards = new Map();
  const layout = () => {
    const n = cards.size;
    // Up to ten events in two columns of steady-sized cards; more in three, smaller.
    const cols = n <= 1 ? 1 : n <= 10 ? 2 : 3;
    container.style.setProperty('--cols', cols);
    container.style.setProperty('--rows', Math.max(4, Math.ceil(n / cols)));
    container.dataset.density = n > 10 ? 'dense' : n > 8 ? 'compact' : 'roomy';
  };
  return {
    // A snapshot replaces the set of events; an update changes only the rows it names.
    snapshot(rows) {
      const keep = new Set(rows.map((r) => r.id));
      for (const [id, c] of cards) if (!keep.has(id)) { c.root.remove(); cards.delete(id); }
      for (const r of rows) {
        if (cards.has(r.id)) cards.get(r.id).paint(r);
        else cards.set(r.id, makeCard(r));
      }
      replace(container, rows.map((r) => cards.get(r.id).root));
      layout();
    },
    update(rows) {
      for (const r of rows) {
        if (cards.has(r.id)) cards.get(r.id).paint(r);
        else { const c = makeCard(r); cards.set(r.id, c); container.append(c.root); layout(); }
      }
    },
    event: (id) => cards.get(id)?.row(),
    repaint() { for (const c of cards.values()) c.repaint(); },
  };
}
