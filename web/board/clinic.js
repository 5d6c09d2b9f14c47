// Free clinics on the main screen: people served (服务人次) per site and per service, one
// block per clinic event with services (the newest three, or those named by ?clinic=1,2).
// Only counts: a tally carries no personal data at all.
import { h } from '../shared/dom.js';
import { fmtNumber } from '../shared/format.js';
import { counter } from './counter.js';

const SHOWN = 3;

// A list of {name, served} drawn as labelled bars; rows are kept by name so counters roll.
function barList(cls, key) {
  const list = h('ul', { class: `b-clinic-list ${cls}` });
  const items = new Map();
  return {
    el: list,
    paint(entries) {
      const max = Math.max(1, ...entries.map((x) => x.served || 0));
      for (const [name, it] of items) if (!entries.some((x) => x.name === name)) { it.li.remove(); items.delete(name); }
      for (const x of entries) {
        let it = items.get(x.name);
        if (!it) {
          const value = h('strong', { class: 'b-clinic-n' });
          const fill = h('span', { class: 'b-clinic-fill' });
          it = { li: h('li', { dataset: { [key]: x.name } }, h('span', { class: 'b-clinic-name' }, x.name), h('span', { class: 'b-clinic-bar' }, fill), value), fill, n: counter(value, fmtNumber) };
          items.set(x.name, it);
        }
        list.append(it.li);  // keeps the configured order
        it.n.set(x.served || 0);
        it.fill.style.width = `${(100 * (x.served || 0)) / max}%`;
      }
      list.hidden = entries.length === 0;
    },
  };
}

function makeBlock(label) {
  const title = h('h3', { class: 'b-clinic-title' });
  const served = h('strong', { class: 'b-clinic-served', dataset: { field: 'served' } });
  const sites = barList('b-clinic-sites', 'site');
  const services = barList('b-clinic-services', 'service');
  const sitesWrap = h('div', { class: 'b-clinic-part' }, h('h4', {}, label('board.by_site')), sites.el);
  const root = h('article', { class: 'b-clinic-event' },
    h('header', {}, title, h('div', { class: 'b-clinic-served-wrap' }, served, h('span', {}, label('board.served')))),
    h('div', { class: 'b-clinic-parts' },
      h('div', { class: 'b-clinic-part' }, h('h4', {}, label('board.by_service')), services.el),
      sitesWrap));
  const n = counter(served, fmtNumber);
  return {
    root,
    paint(row) {
      root.dataset.eventId = String(row.id);
      title.textContent = row.title;
      n.set(row.served || 0);
      services.paint(row.services || []);
      sites.paint(row.sites || []);
      sitesWrap.hidden = !(row.sites || []).length;
      root.dataset.sites = String((row.sites || []).length);
    },
  };
}

export function createClinic(panel, { label, only = [] }) {
  const rows = new Map();
  const blocks = new Map();
  const total = h('strong', { class: 'b-clinic-total', dataset: { total: 'served' } });
  const totalCounter = counter(total, fmtNumber);
  const grid = h('div', { class: 'b-clinic-grid' });
  panel.append(
    h('div', { class: 'b-clinic-head' },
      h('h2', { class: 'b-panel-title' }, label('board.clinic')),
      h('div', { class: 'b-clinic-sum' }, total, h('span', {}, label('board.served')))),
    grid);

  const chosen = () => {
    if (only.length) return only.map((id) => rows.get(id)).filter((r) => r?.services?.length);
    return [...rows.values()].filter((r) => r.services?.length && r.status !== 'cancelled')
      .sort((a, b) => b.id - a.id).slice(0, SHOWN).sort((a, b) => a.id - b.id);
  };

  function render() {
    const pick = chosen();
    panel.hidden = pick.length === 0;
    for (const id of blocks.keys()) if (!pick.some((r) => r.id === id)) blocks.delete(id);
    grid.replaceChildren(...pick.map((r) => {
      if (!blocks.has(r.id)) blocks.set(r.id, makeBlock(label));
      const b = blocks.get(r.id);
      b.paint(r);
      return b.root;
    }));
    grid.dataset.n = String(pick.length);
  }

  return {
    snapshot(events) {
      rows.clear();
      for (const r of events) rows.set(r.id, r);
      render();
    },
    update(events) {
      let touched = false;
      for (const r of events) {
        const old = rows.get(r.id);
        rows.set(r.id, { ...old, ...r });
        touched ||= Boolean(r.services?.length || old?.services?.length);
      }
      if (touched) render();
    },
    totals(tot) {
      const sum = [...rows.values()].reduce((s, r) => s + (r.served || 0), 0);
      totalCounter.set(tot.served ?? sum);
    },
    repaint: render,
  };
}
