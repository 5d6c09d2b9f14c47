// The free-clinic desk (义诊服务台): who is at the desk (a paired device or a signed-in
// staff member), which clinic event and site, and the pad of service buttons.
import { get, setBearer, ApiError, NetworkError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmtRange, kindLabel } from '../shared/format.js';
import { pairingStore } from '../shared/pairing.js';
import { createSync } from './sync.js';
import { padScreen } from './pad.js';
import { registerDoorWorker } from '../shared/sw_register.js';

const pairing = pairingStore('qiandao.desk');
const CHOICE = 'qiandao.desk.choice';
const state = { pairing: null, who: null, event: null, site: '', screen: null, pad: null, sync: null, notice: null };

const ui = {
  title: h('strong', { class: 'd-event-title' }, t('desk.title')),
  meta: h('small', { class: 'd-event-meta' }),
  queue: h('span', { class: 'd-pill d-queue', hidden: true, role: 'status', dataset: { count: '0' } }),
  net: h('span', { class: 'd-pill d-net', dataset: { state: 'online' } }),
  change: h('button', { class: 'd-top-btn', type: 'button', hidden: true, dataset: { action: 'change' } }),
  main: h('main', { class: 'd-main' }),
  notice: h('div', { class: 'd-notice', hidden: true, role: 'status' }),
};
document.getElementById('desk').replaceChildren(
  h('header', { class: 'd-top' },
    h('div', { class: 'd-brand' }, h('span', { class: 'd-mark', 'aria-hidden': 'true' }, '诊'),
      h('div', { class: 'd-brand-text' }, ui.title, ui.meta)),
    h('div', { class: 'd-top-right' }, ui.queue, ui.net, ui.change, langSwitch('d-top-btn d-lang'))),
  ui.main, ui.notice);

function loadChoice() {
  try { return JSON.parse(localStorage.getItem(CHOICE)) || {}; } catch { return {}; }
}
function saveChoice() {
  const e = state.event;
  localStorage.setItem(CHOICE, JSON.stringify({
    eventId: e.id, site: state.site,
    event: { id: e.id, title: e.title, kind: e.kind, venue: e.venue, status: e.status, starts_at: e.starts_at, ends_at: e.ends_at, services: e.services, sites: e.sites },
  }));
}

function paintFrame() {
  const e = state.event;
  ui.title.textContent = e ? e.title : t('desk.title');
  const who = state.who ? (state.who.role === 'kiosk' ? t('desk.by_device', { name: state.who.name }) : t('desk.by_user', { name: state.who.username })) : '';
  ui.meta.textContent = [e && state.site, e && fmtRange(e.starts_at, e.ends_at), who].filter(Boolean).join(' · ');
  const online = state.sync ? state.sync.online : true;
  ui.net.dataset.state = online ? 'online' : 'offline';
  ui.net.textContent = online ? t('kiosk.online') : t('kiosk.offline');
  const n = state.sync ? state.sync.pendingCount : 0;
  ui.queue.hidden = n === 0;
  ui.queue.dataset.count = String(n);
  ui.queue.textContent = t('desk.pending', { n });
  ui.queue.title = t('desk.pending_label');
  const canChange = e && (!state.who?.event_id || e.sites?.length);
  ui.change.hidden = !(canChange && state.screen === 'pad');
  ui.change.textContent = t('desk.change');
  state.pad?.paint();
}

function notify(message, kind = 'ok') {
  ui.notice.textContent = message;
  ui.notice.dataset.kind = kind;
  ui.notice.hidden = false;
  clearTimeout(state.notice);
  state.notice = setTimeout(() => { ui.notice.hidden = true; }, 8000);
}

function show(screen, view) {
  state.screen = screen;
  document.body.dataset.screen = screen;
  if (screen !== 'pad') state.pad = null;
  replace(ui.main, view);
  paintFrame();
}

function message(title, body, ...actions) {
  return h('section', { class: 'd-message', dataset: { screen: 'message' } }, h('h1', {}, title), h('p', {}, body), h('div', { class: 'd-actions' }, actions));
}

function showSignIn(revoked) {
  const signIn = h('a', { class: 'd-btn d-btn-primary', href: `/?next=${encodeURIComponent('/desk')}` }, t('desk.sign_in'));
  const forget = revoked ? h('button', { class: 'd-btn', type: 'button', onclick: () => { pairing.forget(); location.reload(); } }, t('kiosk.forget')) : null;
  show('signin', message(revoked ? t('kiosk.revoked_title') : t('desk.sign_in_title'), revoked ? t('kiosk.revoked_body') : t('desk.sign_in_body'), signIn, forget));
}

function pickList(title, items, note) {
  return h('section', { class: 'd-pick', dataset: { screen: 'pick' } },
    h('h1', {}, title), note ? h('p', { class: 'd-note' }, note) : null,
    h('div', { class: 'd-pick-list' }, items));
}

async function showEventPicker() {
  let events = [];
  try {
    events = (await get('/events')).items.filter((e) => e.services?.length && e.status === 'open');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showSignIn(Boolean(state.pairing?.token)); return; }
    show('pick', pickList(t('desk.pick_event'), [], t('kiosk.pick_offline')));
    setTimeout(() => { if (state.screen === 'pick') showEventPicker(); }, 5000);
    return;
  }
  show('pick', pickList(t('desk.pick_event'), events.map((e) =>
    h('button', { class: 'd-pick-item', type: 'button', dataset: { eventId: e.id }, onclick: () => useEvent(e) },
      h('span', { class: 'd-kind' }, kindLabel(e.kind)), h('strong', {}, e.title),
      h('span', { class: 'd-pick-meta' }, fmtRange(e.starts_at, e.ends_at), e.venue ? ` · ${e.venue}` : ''))),
  events.length ? null : t('desk.pick_none')));
}

function showSitePicker() {
  show('site', pickList(t('desk.pick_site'), state.event.sites.map((s) =>
    h('button', { class: 'd-pick-item d-site-item', type: 'button', dataset: { site: s }, onclick: () => { state.site = s; saveChoice(); showPad(); } },
      h('strong', {}, s))), state.event.title));
}

function useEvent(e, site) {
  state.event = e;
  const sites = e.sites || [];
  if (!sites.length) state.site = '';
  else if (sites.includes(site)) state.site = site;
  else { saveChoice(); showSitePicker(); return; }
  saveChoice();
  showPad();
}

function showPad() {
  const e = state.event;
  const pad = padScreen({
    event: e, site: state.site, sync: state.sync,
    onTap: (service) => {
      state.sync.tap(e.id, state.site, service);
      pad.hit(service);
      pad.say(state.sync.online ? t('desk.recorded', { service }) : t('desk.recorded_queued', { service }));
      navigator.vibrate?.(25);
    },
    onUndo: () => {
      const r = state.sync.undo(e.id, state.site);
      if (!r) { pad.say(t('desk.undo_nothing'), 'warn'); return; }
      const queued = !r.local && !state.sync.online;
      pad.say(queued ? t('desk.undone_queued', { service: r.service }) : t('desk.undone_local', { service: r.service }), 'undo');
    },
  });
  state.pad = pad;
  show('pad', pad.el);
  if (e.status && e.status !== 'open') notify(t('desk.closed'), 'warn');
  state.sync.watch(e.id).then(paintFrame);
}

async function chooseEvent() {
  const saved = loadChoice();
  const asked = Number(new URLSearchParams(location.search).get('event')) || null;
  const id = state.who?.event_id || asked || state.pairing?.eventId || saved.eventId;
  if (!id) { showEventPicker(); return; }
  try {
    const e = await get(`/events/${id}`);
    if (!e.services?.length) { showEventPicker(); return; }
    useEvent(e, saved.eventId === e.id ? saved.site : undefined);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showSignIn(Boolean(state.pairing?.token)); return; }
    if ((e instanceof NetworkError || e.transient) && saved.event?.id === id) {
      // Offline at start-up: the desk still counts, against what it remembered.
      state.sync.setOffline();
      notify(t('desk.offline_start'), 'warn');
      useEvent(saved.event, saved.site);
      return;
    }
    showEventPicker();
  }
}

async function whoIsHere() {
  try {
    const me = (await get('/me')).user;
    if (state.pairing?.token && me.role !== 'kiosk') throw new ApiError(401, null);
    state.who = me;
    if (state.pairing?.token) { state.pairing.device = me; pairing.save(state.pairing); }
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showSignIn(Boolean(state.pairing?.token)); return false; }
    state.who = state.pairing?.device || null;  // offline: trust what we knew
    return true;
  }
}

async function boot() {
  state.pairing = pairing.read();
  if (state.pairing?.token) setBearer(state.pairing.token);
  state.sync = createSync({
    onChange: paintFrame,
    onReplayed: (n) => notify(t('desk.replayed', { n })),
    onRefused: (n) => notify(t('desk.refused', { n }), 'warn'),
    onUnauthorized: () => showSignIn(Boolean(state.pairing?.token)),
  });
  ui.change.addEventListener('click', () => {
    if (!state.who?.event_id) showEventPicker();
    else showSitePicker();
  });
  state.sync.start();
  if (!(await whoIsHere())) return;
  await chooseEvent();
}

onLangChange(() => {
  if (state.screen === 'pad') showPad();
  else if (state.screen === 'pick') showEventPicker();
  else if (state.screen === 'site') showSitePicker();
  else if (state.screen === 'signin') showSignIn(Boolean(state.pairing?.token));
  paintFrame();
});
registerDoorWorker();  // starts with the server down (issue 11)
boot();
