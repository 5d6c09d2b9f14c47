// The judge's tablet (裁判评分): who is signed in (a judge, or staff), which competition and
// item (remembered on this tablet), then the scoring screen for that item's draw order.
import { get, ApiError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmtRange } from '../shared/format.js';
import { createSender } from './sender.js';
import { scoreScreen } from './score_screen.js';
import { registerDoorWorker } from '../shared/sw_register.js';

const CHOICE = 'qiandao.judge.choice';
const state = { me: null, list: [], comp: null, item: null, screen: null, view: null };

const ui = {
  title: h('strong', { class: 'j-title' }, t('judge.title')),
  meta: h('small', { class: 'j-meta' }),
  net: h('span', { class: 'j-pill j-net', dataset: { state: 'online' } }),
  queue: h('span', { class: 'j-pill j-queue', hidden: true, role: 'status', dataset: { count: '0' } }),
  change: h('button', { class: 'j-top-btn', type: 'button', hidden: true, dataset: { action: 'change' } }),
  main: h('main', { class: 'j-main' }),
};
document.getElementById('judge').replaceChildren(
  h('header', { class: 'j-top' },
    h('div', { class: 'j-brand' }, h('span', { class: 'j-mark', 'aria-hidden': 'true' }, '评'),
      h('div', { class: 'j-brand-text' }, ui.title, ui.meta)),
    h('div', { class: 'j-top-right' }, ui.queue, ui.net, ui.change, langSwitch('j-top-btn j-lang'))),
  ui.main);

const sender = createSender({ onChange: () => { paintFrame(); state.view?.paint(); } });

function loadChoice() {
  try { return JSON.parse(localStorage.getItem(CHOICE)) || {}; } catch { return {}; }
}
function saveChoice() {
  localStorage.setItem(CHOICE, JSON.stringify({ eventId: state.comp?.event_id ?? null, itemId: state.item?.id ?? null }));
}

function paintFrame() {
  ui.title.textContent = state.comp ? `${state.comp.title}${state.item ? ` · ${state.item.name}` : ''}` : t('judge.title');
  const who = state.me ? t('judge.signed_in', { name: state.me.username, role: t(`role.${state.me.role}`) }) : '';
  ui.meta.textContent = who;
  ui.net.dataset.state = sender.online ? 'online' : 'offline';
  ui.net.textContent = sender.online ? t('kiosk.online') : t('kiosk.offline');
  const n = state.comp && state.item ? sender.pending(state.comp.event_id, state.item.id).length : 0;
  ui.queue.hidden = n === 0;
  ui.queue.dataset.count = String(n);
  ui.queue.textContent = t('judge.pending', { n });
  ui.change.hidden = state.screen !== 'score' && state.screen !== 'items';
  ui.change.textContent = state.screen === 'score' ? t('judge.change_item') : t('judge.change_comp');
}

function show(screen, el, view = null) {
  state.view?.close?.();
  state.view = view;
  state.screen = screen;
  document.body.dataset.screen = screen;
  replace(ui.main, el);
  paintFrame();
}

function message(title, body, ...actions) {
  return h('section', { class: 'j-message', dataset: { screen: 'message' } },
    h('h1', {}, title), body ? h('p', {}, body) : null, h('div', { class: 'j-actions' }, actions));
}

function showSignIn() {
  const go = h('a', { class: 'j-btn j-btn-primary', href: `/?next=${encodeURIComponent('/judge')}`, dataset: { action: 'sign-in' } }, t('judge.sign_in'));
  show('signin', message(t('judge.sign_in_title'), t('judge.sign_in_body'), go));
}

function showProblem(e, retry) {
  if (e instanceof ApiError && e.status === 401) { showSignIn(); return; }
  const text = e instanceof ApiError && e.status === 403 ? t('error.forbidden') : t('error.network');
  show('problem', message(t('judge.problem'), text, h('button', { class: 'j-btn', type: 'button', onclick: retry }, t('common.retry'))));
}

function pickList(title, items, note) {
  return h('section', { class: 'j-pick', dataset: { screen: 'pick' } },
    h('h1', {}, title), note ? h('p', { class: 'j-note' }, note) : null,
    h('div', { class: 'j-pick-list' }, items));
}

async function showCompetitions() {
  state.comp = null;
  state.item = null;
  try {
    const data = await get('/competitions');
    state.list = data.items || data.competitions || [];
  } catch (e) { showProblem(e, showCompetitions); return; }
  show('comps', pickList(t('judge.pick_comp'), state.list.map((c) =>
    h('button', { class: 'j-pick-item', type: 'button', dataset: { eventId: c.event_id }, onclick: () => useCompetition(c.event_id) },
      h('strong', {}, c.title),
      h('span', { class: 'j-pick-meta' }, c.starts_at ? fmtRange(c.starts_at, c.ends_at) : '', ` ${t('judge.n_items', { n: (c.items || []).length })}`))),
  state.list.length ? null : t('judge.none')));
}

async function useCompetition(eventId, itemId) {
  try {
    state.comp = await get(`/events/${eventId}/competition`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 409)) { showCompetitions(); return; }
    showProblem(e, () => useCompetition(eventId, itemId));
    return;
  }
  state.comp.event_id ??= eventId;
  const item = (state.comp.items || []).find((i) => i.id === itemId);
  if (item) { useItem(item); return; }
  state.item = null;
  saveChoice();
  showItems();
}

function showItems() {
  const c = state.comp;
  show('items', pickList(t('judge.pick_item'), (c.items || []).map((i) =>
    h('button', { class: 'j-pick-item j-item', type: 'button', dataset: { itemId: i.id }, onclick: () => useItem(i) },
      h('strong', {}, i.name),
      h('span', { class: 'j-pick-meta' }, t('judge.max', { max: i.max_score }),
        i.time_limit_s ? ` · ${t('judge.time_limit', { m: Math.round(i.time_limit_s / 60) })}` : '',
        i.station ? ` · ${i.station}` : ''))), c.title));
}

function useItem(item) {
  state.item = item;
  saveChoice();
  const view = scoreScreen({ me: state.me, comp: state.comp, item, sender });
  show('score', view.el, view);
}

async function boot() {
  try {
    const me = (await get('/me')).user;
    if (!['judge', 'staff', 'admin'].includes(me.role)) { showSignIn(); return; }
    state.me = me;
  } catch (e) { showProblem(e, boot); return; }
  sender.resume(() => state.view?.refresh());
  const saved = loadChoice();
  const asked = Number(new URLSearchParams(location.search).get('event')) || null;
  const eventId = asked || saved.eventId;
  if (eventId) useCompetition(eventId, saved.eventId === eventId ? saved.itemId : null);
  else showCompetitions();
}

ui.change.addEventListener('click', () => {
  if (state.screen === 'score') { state.item = null; saveChoice(); showItems(); } else showCompetitions();
});
window.addEventListener('online', () => sender.retryNow());
onLangChange(() => {
  if (state.screen === 'score') useItem(state.item);
  else if (state.screen === 'items') showItems();
  else if (state.screen === 'comps') showCompetitions();
  else if (state.screen === 'signin') showSignIn();
  paintFrame();
});
registerDoorWorker();  // starts with the server down (issue 11)
boot();
