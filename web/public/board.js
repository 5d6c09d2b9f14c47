// The public board (/s/board): the programme's live figures for an audience, on a phone in
// the hall or on a big screen. Polls GET /api/v1/board/public about every 1.5 s with its
// ETag (an unchanged poll is a bodiless 304). Counts only: the answer holds no person.
import { h } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmt } from '../shared/format.js';
import { pollPublicBoard } from './board_poll.js';
import { createPublicView } from './board_view.js';

const root = document.getElementById('pb');
const el = {
  title: h('h1', { class: 'pb-title' }, t('pb.title')),
  theme: h('p', { class: 'pb-theme' }),
  conn: h('span', { class: 'pb-conn', role: 'status' }),
  time: h('span', { class: 'pb-time' }),
  stale: h('div', { class: 'pb-stale', role: 'alert', hidden: true }),
  main: h('main', { class: 'pb-main' }),
  updated: h('span', { class: 'pb-updated' }),
  footer: h('p', { class: 'pb-note' }),
  signUp: h('a', { class: 'pb-link', href: '/s/' }),
};
root.append(
  h('header', { class: 'pb-head' },
    h('div', { class: 'pb-head-left' }, el.title, el.theme),
    h('div', { class: 'pb-head-right' }, el.conn, el.time, langSwitch('pb-lang'))),
  el.stale,
  el.main,
  h('footer', { class: 'pb-foot' }, el.footer, el.updated, el.signUp));
const view = createPublicView(el.main);

let programme = null;
let figures = null;
let state = 'connecting';
let lastOk = 0;

function paintProgramme() {
  const title = programme?.title || t('pb.title');
  el.title.textContent = title;
  el.theme.textContent = programme?.theme || '';
  document.title = `${title} · ${t('pb.title')}`;
}

function paintState() {
  root.dataset.state = state;
  el.conn.dataset.state = state;
  el.conn.textContent = t(`live.${state}`);
  el.stale.hidden = state === 'live' || state === 'connecting';
  el.stale.textContent = lastOk ? t('pb.stale', { time: fmt(new Date(lastOk), 'seconds') }) : t('board.offline_never');
  el.updated.textContent = figures?.generated_at ? t('pb.updated', { time: fmt(figures.generated_at, 'seconds') }) : '';
}

function paintStatic() {
  el.footer.textContent = t('pb.note');
  el.signUp.textContent = t('pb.sign_up');
}

pollPublicBoard({
  onFigures(f) {
    figures = f;
    programme = f.programme;
    paintProgramme();
    view.paint(f);
    root.dataset.generatedAt = f.generated_at || '';
  },
  onState(next, info) {
    state = next;
    lastOk = info.lastOk;
    root.dataset.unchanged = String(info.unchanged);
    paintState();
  },
});

function tick() { el.time.textContent = fmt(new Date(), 'seconds'); }
setInterval(tick, 1000);
tick();
paintStatic();
paintProgramme();
paintState();

onLangChange(() => {
  paintStatic();
  paintProgramme();
  paintState();
  view.repaint();
  tick();
});
