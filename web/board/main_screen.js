// The board's main screen: every event's check-in progress, the totals, the per-minute
// chart, the latest check-ins, and (for free clinics with services) people served.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtNumber } from '../shared/format.js';
import { counter } from './counter.js';
import { createCards } from './cards.js';
import { createRecent } from './recent.js';
import { createRateChart } from './chart.js';
import { createClinic } from './clinic.js';

export function mainScreen(body, { label, clinicIds, shown }) {
  const el = {
    cards: h('div', { class: 'b-cards' }),
    checked: h('strong', { class: 'b-total-big', dataset: { total: 'checked_in' } }),
    registered: h('strong', { dataset: { total: 'registered' } }),
    waitlisted: h('strong', { dataset: { total: 'waitlisted' } }),
    rate: h('strong', { dataset: { total: 'rate' } }),
    ring: h('div', { class: 'b-ring' }),
    chart: h('div', { class: 'b-chart' }),
    recent: h('ol', { class: 'b-recent' }),
    clinic: h('section', { class: 'b-panel b-clinic', hidden: true }),
  };
  body.classList.add('b-body-main');
  body.append(
    h('div', { class: 'b-left' },
      h('section', { class: 'b-panel b-events' },
        h('h2', { class: 'b-panel-title' }, label('board.events')),
        el.cards),
      el.clinic),
    h('aside', { class: 'b-side' },
      h('section', { class: 'b-panel b-totals' },
        h('div', { class: 'b-total-main' },
          h('span', { class: 'b-total-label' }, label('board.totals.checked_in')),
          el.checked,
          h('span', { class: 'b-total-unit' }, label('board.people'))),
        h('div', { class: 'b-total-grid' },
          h('div', {}, h('span', {}, label('board.totals.registered')), el.registered),
          h('div', {}, h('span', {}, label('board.totals.rate')), el.rate),
          h('div', {}, h('span', {}, label('board.totals.waitlisted')), el.waitlisted)),
        el.ring),
      h('section', { class: 'b-panel b-chart-panel' },
        h('h2', { class: 'b-panel-title' }, label('board.per_minute')),
        el.chart),
      h('section', { class: 'b-panel b-recent-panel' },
        h('h2', { class: 'b-panel-title' }, label('board.recent')),
        el.recent,
        h('p', { class: 'b-recent-empty' }, label('board.recent_empty')))));

  const totals = {
    checked: counter(el.checked, fmtNumber),
    registered: counter(el.registered, fmtNumber),
    waitlisted: counter(el.waitlisted, fmtNumber),
  };
  const cards = createCards(el.cards);
  const recent = createRecent(el.recent, { eventOf: (id) => cards.event(id) });
  const chart = createRateChart(el.chart, { shown });
  const clinic = createClinic(el.clinic, { label, only: clinicIds });
  // The clinic panel takes room from the event cards only while it has something to show.
  const layout = () => body.classList.toggle('has-clinic', !el.clinic.hidden);

  function paintTotals(tot) {
    if (!tot) return;
    totals.checked.set(tot.checked_in);
    totals.registered.set(tot.registered);
    totals.waitlisted.set(tot.waitlisted || 0);
    const pct = tot.registered > 0 ? (100 * tot.checked_in) / tot.registered : 0;
    el.rate.textContent = `${pct.toFixed(1)}%`;
    el.ring.style.setProperty('--pct', pct.toFixed(2));
    clinic.totals(tot);
  }

  return {
    snapshot(f) {
      cards.snapshot(f.events || []);
      clinic.snapshot(f.events || []);
      layout();
      paintTotals(f.totals);
      recent.snapshot(f.recent || []);
      // A snapshot from the server carries the last hour per minute; a new choice of events
      // only draws the counts already held for the events now shown.
      if (f.type === 'snapshot') chart.reset(f.history || f.recent || []);
      else chart.render();
    },
    update(f) {
      cards.update(f.events || []);
      clinic.update(f.events || []);
      layout();
      paintTotals(f.totals);
      if (f.shownRecent) recent.snapshot(f.shownRecent);
      else recent.add(f.recent || []);
    },
    // Every update's check-ins and undone check-ins, of every event, before the selection.
    // A big frame counts its check-ins per minute (`minutes`); `recent` then holds only the last 20.
    count: (f) => chart.add(f.minutes || f.recent || [], f.undone || []),
    resize: () => chart.resize(),
    repaint() {
      cards.repaint();
      recent.repaint();
      clinic.repaint();
      chart.relabel();
    },
  };
}
