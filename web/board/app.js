// The live board (数据大屏): a snapshot and updates from the WebSocket, drawn at 1920×1080.
// Three screens: the main one (/board), the unit ranking (/board?screen=units[&event=ID]) and
// a skill competition's live leaderboard (/board?screen=competition[&event=ID]). Every screen
// shows the events chosen (?events=3,5, the operator's picker, else today's and later events
// that are not cancelled; see selection.js), with totals over those only.
import { h } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmt } from '../shared/format.js';
import { openBoardFeed } from '../shared/board_feed.js';
import { fitStage } from './stage.js';
import { mainScreen } from './main_screen.js';
import { unitsScreen } from './units_screen.js';
import { competitionScreen } from './competition_screen.js';
import { createSelection } from './selection.js';
import { createPicker } from './picker.js';

const stage = document.getElementById('board');
const query = new URLSearchParams(location.search);
const label = (key) => h('span', { dataset: { i18n: key } }, t(key));
const ids = (text) => (text || '').split(',').map(Number).filter((n) => n > 0);

const el = {
  title: h('h1', { class: 'b-title' }, '…'),
  theme: h('p', { class: 'b-theme' }),
  date: h('span', { class: 'b-date' }),
  time: h('span', { class: 'b-time' }),
  conn: h('span', { class: 'b-conn', role: 'status' }),
  stale: h('div', { class: 'b-stale', hidden: true, role: 'alert' }),
  none: h('p', { class: 'b-none', hidden: true, dataset: { i18n: 'board.none_shown' } }, t('board.none_shown')),
  body: h('main', { class: 'b-body' }),
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
  el.none,
  el.body);

const screenName = ['units', 'competition'].includes(query.get('screen')) ? query.get('screen') : 'main';
stage.dataset.screen = screenName;
const eventId = ids(query.get('event'))[0] || null;
const selection = createSelection(query);
const screen = screenName === 'units' ? unitsScreen(el.body, { label, eventId })
  : screenName === 'competition' ? competitionScreen(el.body, { label, eventId })
    : mainScreen(el.body, { label, clinicIds: ids(query.get('clinic')), shown: selection.shownIds });
fitStage(stage, () => screen.resize?.());

// The one-event screens follow an event named by ?event= whatever the selection.
const scope = (view) => (eventId && screenName !== 'main' ? { ...view, events: selection.all() } : view);
function show(view) {
  stage.dataset.shown = view.events.map((e) => e.id).join(',');
  el.none.hidden = view.events.length > 0 || Boolean(eventId && screenName !== 'main');
  screen.snapshot(scope(view));
}
const picker = createPicker(stage, { selection, label, onChoose: show });

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

const token = query.get('token') || new URLSearchParams(location.hash.slice(1)).get('token');
openBoardFeed({
  token,
  onSnapshot(f) {
    lastFrameAt = new Date();
    paintProgramme(f.programme);
    show(selection.snapshot(f));
    stage.dataset.seq = String(f.seq);
  },
  onUpdate(f) {
    lastFrameAt = new Date();
    if (f.programme) paintProgramme(f.programme);
    screen.count?.(f);  // the chart counts every event's check-ins, and shows the chosen ones
    const next = selection.update(f);
    if (next.reshape) show(next.reshape);
    else screen.update(scope(next.frame));
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
  screen.repaint();
  picker.repaint();
  tick();
});
