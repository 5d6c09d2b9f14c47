// The door kiosk: pairing, the event, and the screens; the door module does the talking.
import { get, setBearer, ApiError, NetworkError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmt, fmtRange } from '../shared/format.js';
import { readPairing, savePairing, forgetPairing } from './pairing.js';
import { createDoor } from './door.js';
import { attachScanner } from './scanner.js';
import { showResult } from './result.js';
import { idleScreen, pickScreen, messageScreen, cameraScreen } from './screens.js';
import { lookupScreen } from './lookup.js';
import { pinScreen } from './pin.js';
import { registerDoorWorker } from '../shared/sw_register.js';
import { walkInScreen } from './walkin.js';
import { startCamera } from './camera.js';
import { beep } from './sound.js';

const state = { pairing: null, device: null, event: null, screen: null, door: null, stopCamera: null, notice: null, idle: null };

// Unattended: every screen but the scan screen goes back to it after this long untouched,
// and what it showed is gone. (A test may shorten it through localStorage.)
const IDLE_MS = (Number(localStorage.getItem('qiandao.kiosk.idleSeconds')) || 30) * 1000;

// ── the frame: header, main area, answer panel, hidden scanner input ──
const ui = {
  title: h('strong', { class: 'k-event-title' }),
  meta: h('small', { class: 'k-event-meta' }),
  net: h('span', { class: 'k-pill k-net', dataset: { state: 'online' } }),
  queue: h('span', { class: 'k-pill k-queue', hidden: true, role: 'status', dataset: { count: '0' } }),
  conflicts: h('span', { class: 'k-pill k-conflicts', hidden: true, role: 'status', dataset: { count: '0' } }),
  clock: h('time', { class: 'k-clock' }),
  settings: h('button', { class: 'k-icon-btn k-settings', type: 'button', hidden: true }),
  main: h('main', { class: 'k-main' }),
  notice: h('div', { class: 'k-notice', hidden: true, role: 'status' }),
  device: h('span', { class: 'k-device' }),
  result: h('div', { class: 'k-result', hidden: true, 'aria-live': 'assertive' }),
  scan: h('input', { class: 'k-scan-input', id: 'scan', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', inputmode: 'none', 'aria-hidden': 'true', tabindex: '-1' }),
};
document.getElementById('kiosk').replaceChildren(
  h('header', { class: 'k-top' },
    h('div', { class: 'k-brand' }, h('span', { class: 'k-mark', 'aria-hidden': 'true' }, '签'), h('div', { class: 'k-brand-text' }, ui.title, ui.meta)),
    h('div', { class: 'k-status' }, ui.conflicts, ui.queue, ui.net, ui.clock, langSwitch('k-icon-btn k-lang'), ui.settings)),
  ui.main, ui.notice,
  h('footer', { class: 'k-foot' }, ui.device),
  ui.result, ui.scan);

function paintFrame() {
  ui.title.textContent = state.event ? state.event.title : t('kiosk.title');
  ui.meta.textContent = state.event ? [fmtRange(state.event.starts_at, state.event.ends_at), state.event.venue].filter(Boolean).join(' · ') : '';
  const online = state.door ? state.door.online : true;
  ui.net.dataset.state = online ? 'online' : 'offline';
  ui.net.textContent = online ? t('kiosk.online') : t('kiosk.offline');
  const n = state.door ? state.door.queued : 0;
  ui.queue.hidden = n === 0;
  ui.queue.dataset.count = String(n);
  ui.queue.textContent = t('kiosk.queue', { n });
  ui.queue.title = t('kiosk.queue_label');
  const c = state.door ? state.door.conflicts : 0;
  ui.conflicts.hidden = c === 0;
  ui.conflicts.dataset.count = String(c);
  ui.conflicts.textContent = t('door.kiosk_conflicts', { n: c });
  ui.conflicts.title = t('door.kiosk_conflicts_label');
  ui.settings.textContent = t('kiosk.change_event');
  ui.settings.hidden = !(state.event && state.device && !state.device.event_id);
  ui.device.textContent = state.device ? t('kiosk.device', { name: state.device.name }) : '';
  ui.clock.textContent = fmt(new Date(), 'time');
}
setInterval(() => { ui.clock.textContent = fmt(new Date(), 'time'); }, 1000);

// ── screens ──
function show(screen, extra) {
  state.stopCamera?.();
  state.stopCamera = null;
  state.screen = screen;
  document.body.dataset.screen = screen;
  paintFrame();
  const views = {
    idle: () => idleScreen({
      event: state.event,
      onLookup: () => show('lookup'),
      onWalkIn: () => show('walk-in'),
      onCamera: () => show('camera'),
    }),
    lookup: () => lookupScreen({
      event: state.event,
      onPick: (c) => answer(state.door.checkIn(state.event.id, { registration_id: c.id })),
      onWalkIn: (phone) => show('walk-in', { phone }),
      onBack: () => show('idle'),
    }),
    'walk-in': () => walkInScreen({ phone: extra?.phone, onSubmit: walkIn, onBack: () => show('idle') }),
    camera: openCamera,
    pin: () => pinScreen({ onOk: showPicker, onBack: () => show('idle') }),
    pick: () => pickScreen({ events: extra?.events, error: extra?.error, onPick: pickEvent, onBack: state.event ? () => show('idle') : null }),
    unpaired: () => messageScreen({ title: t('kiosk.unpaired_title'), body: t('kiosk.unpaired_body') }),
    revoked: () => messageScreen({
      title: t('kiosk.revoked_title'), body: t('kiosk.revoked_body'),
      action: h('button', { class: 'k-btn', type: 'button', onclick: () => { forgetPairing(); location.reload(); } }, t('kiosk.forget')),
    }),
  };
  replace(ui.main, views[screen]());
  if (screen === 'idle') ui.scan.focus({ preventScroll: true });
  armIdle();
}

// One timer for every screen a visitor fills in or looks at (look-up, walk-in, camera,
// the PIN and the event picker once an event is set): any touch or key starts it again.
function armIdle() {
  clearTimeout(state.idle);
  state.idle = null;
  const away = ['lookup', 'walk-in', 'camera', 'pin'].includes(state.screen) || (state.screen === 'pick' && state.event);
  if (away) state.idle = setTimeout(() => show('idle'), IDLE_MS);
}
for (const type of ['pointerdown', 'keydown', 'input']) document.addEventListener(type, () => { if (state.idle) armIdle(); }, true);

function openCamera() {
  const cam = cameraScreen({ onClose: () => show('idle') });
  startCamera(cam.video, (text) => { show('idle'); onScan(text); })
    .then((stop) => {
      if (state.screen !== 'camera') { stop(); return; }
      state.stopCamera = stop;
      cam.status.textContent = '';
    })
    .catch((e) => { cam.status.textContent = t('kiosk.camera_denied', { reason: e.message || e.name }); });
  return cam.el;
}

async function answer(pending) {
  const a = await pending;
  if (a.tone === 'revoked') return a;
  beep(a.tone);
  paintFrame();
  if (state.screen !== 'idle') show('idle');
  // Once the answer is closed, the same ticket scanned again is a deliberate rescan, not a
  // scanner's echo.
  showResult(ui.result, a, state.event, () => { lastScan = { code: '', at: 0 }; ui.scan.focus({ preventScroll: true }); });
  return a;
}

async function walkIn(values) {
  const a = await state.door.walkIn(state.event.id, values);
  if (a.tone === 'invalid') return a.fields;
  if (a.tone === 'revoked') return null;
  await answer(Promise.resolve(a));
  return null;
}

// A scanner held over a ticket may read it twice in a row: the echo is ignored.
let lastScan = { code: '', at: 0 };
function onScan(code) {
  if (!state.event) return;
  const now = Date.now();
  if (code === lastScan.code && now - lastScan.at < 1500) return;
  lastScan = { code, at: now };
  answer(state.door.checkIn(state.event.id, { code }));
}

function notify(message, kind = 'ok') {
  ui.notice.textContent = message;
  ui.notice.dataset.kind = kind;
  ui.notice.hidden = false;
  clearTimeout(state.notice);
  state.notice = setTimeout(() => { ui.notice.hidden = true; }, 10000);
}

// ── event choice ──
function remember(event) {
  state.event = event;
  state.pairing.eventId = event.id;
  state.pairing.event = { id: event.id, title: event.title, kind: event.kind, venue: event.venue, starts_at: event.starts_at, ends_at: event.ends_at, walk_ins: event.walk_ins };
  savePairing(state.pairing);
}

function pickEvent(event) {
  remember(event);
  state.door.sync();  // the new event's ticket list, for offline answers
  show('idle');
}

async function showPicker() {
  try {
    const { items } = await get('/events');
    show('pick', { events: items });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { show('revoked'); return; }
    show('pick', { error: true });
    setTimeout(() => { if (state.screen === 'pick' && !state.event) showPicker(); }, 5000);
  }
}

async function chooseEvent() {
  const id = state.device?.event_id || state.pairing.eventId;
  if (id) {
    try {
      remember(await get(`/events/${id}`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { show('revoked'); return; }
      if (e instanceof NetworkError || e.transient) {
        // Offline at start-up: the door still works from what was remembered.
        if (state.pairing.event?.id === id) state.event = state.pairing.event;
        else if (id) state.event = { id, title: `#${id}`, walk_ins: false };
        state.door.setOffline();
      }
    }
    if (state.event) { show('idle'); return; }
  }
  showPicker();
}

async function checkDevice() {
  try {
    const me = await get('/me');
    if (me.user.role !== 'kiosk') throw new ApiError(401, null);
    state.device = me.user;
    state.pairing.device = me.user;
    savePairing(state.pairing);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { show('revoked'); return false; }
    state.device = state.pairing.device || null;  // offline: trust what we knew
    return true;
  }
}

async function boot() {
  state.pairing = readPairing();
  if (!state.pairing?.token) { show('unpaired'); return; }
  setBearer(state.pairing.token);
  state.door = createDoor({
    onQueue: paintFrame,
    onOnline: paintFrame,
    onReplayed: ({ sent, refused }) => {
      notify(t('kiosk.replayed', { n: sent + refused }));
      if (refused) setTimeout(() => notify(t('kiosk.replay_failed', { n: refused }), 'warn'), 4000);
    },
    onUnauthorized: () => show('revoked'),
    eventId: () => state.event?.id,
    onConflicts: paintFrame,
  });
  attachScanner(ui.scan, { onCode: onScan, isActive: () => state.screen === 'idle' });
  // Switching the event asks for the staff PIN set at pairing (see pin.js).
  ui.settings.addEventListener('click', () => show('pin'));
  if (!(await checkDevice())) return;
  await chooseEvent();
  if (state.event) state.door.sync();
  // A revoked device finds out within a minute, not at the next scan.
  setInterval(() => { if (state.door.online && state.screen !== 'revoked') checkDevice(); }, 60000);
}

// A door kiosk runs full screen; browsers allow that only from a tap, so the first one asks.
document.addEventListener('pointerdown', () => {
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => {});
  }
}, { once: true });

onLangChange(() => {
  paintFrame();
  if (state.screen === 'pick') showPicker();
  else if (state.screen && state.screen !== 'camera') show(state.screen);
});
registerDoorWorker({ canReload: () => state.screen !== 'walk-in' && state.screen !== 'lookup' && ui.result.hidden });
boot();
