// The second screen (/board?screen=units[&event=ID]): the conference's work units ranked by
// attendance, checked in against expected, moving live. The event is the one named, else
// the first conference whose row carries units. Units only: no person is ever named here.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtNumber } from '../shared/format.js';
import { counter } from './counter.js';
import { flipList, followEvent } from './screen_kit.js';

const SHOWN = 24;  // two columns of twelve fit the stage at a readable size

function pct(rate) { return rate === null || rate === undefined ? 0 : Math.round(Number(rate) * 1000) / 10; }

function makeRow() {
  const el = {
    rank: h('span', { class: 'u-rank' }),
    name: h('span', { class: 'u-name' }),
    fill: h('span', { class: 'u-fill' }),
    checked: h('strong', { class: 'u-checked', dataset: { field: 'checked_in' } }),
    expected: h('span', { class: 'u-expected', dataset: { field: 'expected' } }),
    rate: h('span', { class: 'u-rate', dataset: { field: 'rate' } }),
  };
  const root = h('li', { class: 'u-row' }, el.rank, el.name,
    h('span', { class: 'u-bar' }, el.fill),
    h('span', { class: 'u-figs' }, el.checked, h('span', { class: 'u-sep' }, '/'), el.expected), el.rate);
  const checked = counter(el.checked, fmtNumber);
  return {
    root,
    paint(u, rank) {
      root.dataset.unitId = String(u.unit_id);
      root.dataset.rank = String(rank);
      el.rank.textContent = String(rank);
      el.name.textContent = u.unit;
      checked.set(u.checked_in);
      el.expected.textContent = fmtNumber(u.expected);
      const p = pct(u.rate);
      el.rate.textContent = `${p.toFixed(p >= 100 ? 0 : 1)}%`;
      el.rate.dataset.value = String(p);
      el.fill.style.width = `${Math.min(100, p)}%`;
      root.classList.toggle('is-full', p >= 100);
    },
  };
}

export function unitsScreen(body, { label, eventId }) {
  const el = {
    title: h('h2', { class: 'b-panel-title' }, label('board.units')),
    event: h('p', { class: 'u-event' }),
    list: h('ol', { class: 'u-list' }),
    none: h('p', { class: 'u-none', hidden: true }, label('board.units_none')),
    present: h('strong', { class: 'u-total-present', dataset: { total: 'checked_in' } }),
    expected: h('strong', { class: 'u-total-expected', dataset: { total: 'expected' } }),
    rate: h('strong', { class: 'u-total-rate', dataset: { total: 'rate' } }),
    ring: h('div', { class: 'b-ring u-ring' }),
  };
  body.classList.add('b-body-units');
  body.append(
    h('section', { class: 'b-panel u-panel' }, el.title, el.event, el.list, el.none),
    h('aside', { class: 'b-panel u-side' },
      h('div', { class: 'u-side-block' }, h('span', {}, label('board.units_total')),
        h('div', { class: 'u-side-figs' }, el.present, h('span', { class: 'u-sep' }, '/'), el.expected)),
      el.ring,
      h('div', { class: 'u-side-block' }, h('span', {}, label('board.units_rate')), el.rate)));

  const rows = new Map();  // unit key → row
  const present = counter(el.present, fmtNumber);
  const expected = counter(el.expected, fmtNumber);
  let current = null;      // the event row shown

  function render(units) {
    const shown = units.slice(0, SHOWN);
    flipList(el.list, rows, shown, (u) => u.unit_id, makeRow);
    el.list.dataset.count = String(shown.length);
    el.list.dataset.cols = shown.length > 12 ? '2' : '1';
  }

  function paint() {
    const units = current?.units || [];
    el.none.hidden = units.length > 0;
    el.event.textContent = current ? current.title : '';
    body.dataset.eventId = current ? String(current.id) : '';
    render(units);
    const tot = units.reduce((s, u) => ({ c: s.c + u.checked_in, e: s.e + u.expected }), { c: 0, e: 0 });
    present.set(tot.c);
    expected.set(tot.e);
    const p = tot.e ? (100 * tot.c) / tot.e : 0;
    el.rate.textContent = `${p.toFixed(1)}%`;
    el.ring.style.setProperty('--pct', Math.min(100, p).toFixed(2));
  }

  const pick = (events) => (eventId ? events.find((e) => e.id === eventId)
    : events.find((e) => e.kind === 'conference' && e.units?.length)) || null;

  return followEvent(pick, (row) => {
    current = row;
    paint();
  });
}
