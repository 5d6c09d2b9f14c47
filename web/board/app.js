// The live board (数据大屏): a snapshot and updates from the WebSocket, drawn at 1920×1080.
import { h } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmt, fmtNumber } from '../shared/format.js';
import { openBoardFeed } from '../shared/board_feed.js';
import { fitStage } from './stage.js';
import { counter } from './counter.js';
import { createCards } from './cards.js';
import { createRecent } from './recent.js';
import { createRateChart } from './chart.js';

const stage = document.getElementById('board');
const label = (key) => h('span', { dataset: { i18n: key } }, t(key));

const el = {
  title: h('h1', { class: 'b-title' }, '…'),
  theme: h('p', { class: 'b-theme' }),
  date: h('span', { class: 'b-date' }),
  time: h('span', { class: 'b-time' }),
  conn: h('span', { class: 'b-conn', role: 'status' }),
  stale: h('div', { class: 'b-stale', hidden: true, role: 'alert' }),
  cards: h('div', { class: 'b-cards' }),
  checked: h('strong', { class: 'b-total-big', dataset: { total: 'checked_in' } }),
  registered: h('strong', { dataset: { total: 'registered' } }),
  waitlisted: h('strong', { dataset: { total: 'waitlisted' } }),
  rate: h('strong', { dataset: { total: 'rate' } }),
  ring: h('div', { class: 'b-ring' }),
  chart: h('div', { class: 'b-chart' }),
  recent: h('ol', { class: 'b-recent' }),
};

stage.append(
  h('header', { class: 'b-head' },
    h('div', { class: 'b-head-left' },
      h('div', { class: 'b-emblem', 'aria-hidden': 'true' }, '医'),
      h('div', {}, el.title, el.theme)),
    h('div', { class: 'b-head-right' },
      el.conn,
      h('div', { class: 'b-clock' }, el.time, el.date),
      langSwitch('b-lang'))),
  el.stale,
  h('main', { class: 'b-body' },
    h('section', { class: 'b-panel b-events' },
      h('h2', { class: 'b-panel-title' }, label('board.events')),
      el.cards),
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
        h('p', { class: 'b-recent-empty' }, label('board.recent_empty'))))));

const totals = {
  checked: counter(el.checked, fmtNumber),
  registered: counter(el.registered, fmtNumber),
  waitlisted: counter(el.waitlisted, fmtNumber),
};
const cards = createCards(el.cards);
const recent = createRecent(el.recent, { eventOf: (id) => cards.event(id) });
const chart = createRateChart(el.chart);
fitStage(stage, () => chart.resize());

function paintTotals(tot) {
  if (!tot) return;
  totals.checked.set(tot.checked_in);
  totals.registered.set(tot.registered);
  totals.waitlisted.set(tot.waitlisted || 0);
  const pct = tot.registered > 0 ? (100 * tot.checked_in) / tot.registered : 0;
  el.rate.textContent = `${pct.toFixed(1)}%`;
  el.ring.style.setProperty('--pct', pct.toFixed(2));
}

function paintProgramme(p) {
  if (!p) return;
  el.title.textContent = p.title || t('board.title');
  el.theme.textContent = p.theme || '';
  document.title = `${p.title || t('board.title')} · ${t('board.title')}`;
}

let lastFrameAt = null;
function paintConnection(state) {
  stage.dataset.state = state;
  el.conn.dataset.state = state;
  el.conn.textContent = t(`live.${state}`);
  el.stale.hidden = state === 'live' || state === 'connecting';
  el.stale.textContent = lastFrameAt
    ? `${t('board.stale', { time: fmt(lastFrameAt, 'time') })} · ${t('board.stale_hint')}`
    : t('board.offline_never');
}

const token = new URLSearchParams(location.search).get('token') || new URLSearchParams(location.hash.slice(1)).get('token');
openBoardFeed({
  token,
  onSnapshot(f) {
    lastFrameAt = new Date();
    paintProgramme(f.programme);
    cards.snapshot(f.events || []);
    paintTotals(f.totals);
    recent.snapshot(f.recent || []);
    chart.add(f.recent || []);
    stage.dataset.seq = String(f.seq);
  },
  onUpdate(f) {
    lastFrameAt = new Date();
    if (f.programme) paintProgramme(f.programme);
    cards.update(f.events || []);
    paintTotals(f.totals);
    recent.add(f.recent || []);
    chart.add(f.recent || []);
    stage.dataset.seq = String(f.seq);
  },
  onState(state) { paintConnection(state); },
});

function tick() {
  const now = new Date();
  el.time.textContent = fmt(now, 'seconds');
  el.date.textContent = fmt(now, 'long');
}
setInterval(tick, 1000);
tick();
paintConnection('connecting');

onLangChange(() => {
  for (const node of stage.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  paintConnection(stage.dataset.state);
  cards.repaint();
  recent.repaint();
  chart.relabel();
  tick();
});
