// The door's one job: turn a scan, a look-up pick or a walk-in into an answer for the
// screen. When the server cannot be reached the request goes to the outbox with its nonce
// and is replayed later; the server answers a nonce once, so a replay never counts twice.
import { api, ApiError, NetworkError, newNonce } from '../shared/api.js';
import * as outbox from './queue.js';
import { syncTickets, decideOffline } from './tickets.js';

const SEND_TIMEOUT_MS = 5000;
const PROBE_MS = 2000;
const SYNC_MS = 10000;  // the ticket list follows the server this often while online

function send(item) {
  const path = item.kind === 'walk_in' ? `/events/${item.event_id}/walk-ins` : '/checkins';
  return api(path, { method: 'POST', body: { ...item.body, nonce: item.nonce }, timeout: SEND_TIMEOUT_MS });
}

const unreachable = (e) => e instanceof NetworkError || (e instanceof ApiError && e.transient);

// What the screen shows: tone ok (green), already (amber), bad (red) — online from the
// server, offline from the ticket list (marked `offline`) — queued (a walk-in kept for
// later, or a scan where the page cannot hash), invalid (form),
// revoked (the device lost its pairing: no answer panel, the pairing screen instead).
function fromAnswer({ data }) {
  return {
    tone: data.first ? 'ok' : 'already',
    at: data.checked_in_at,
    registration: data.registration || null,
    event: data.event || null,
  };
}

function fromRefusal(e) {
  if (e.status === 422 && e.code !== 'nonce_reused') return { tone: 'invalid', fields: e.fields, reason: 'invalid' };
  const known = ['not_found', 'cancelled', 'waitlisted', 'wrong_event', 'event_cancelled', 'walk_ins_closed', 'event_full', 'event_closed'];
  return {
    tone: 'bad',
    reason: known.includes(e.code) ? e.code : e.status === 404 ? 'not_found' : 'other',
    registration: e.error.registration || null,
    event: e.error.event || null,
  };
}

export function createDoor({ onQueue, onOnline, onReplayed, onUnauthorized, eventId, onConflicts }) {
  let online = true;
  let queued = 0;
  let flushing = false;
  let conflicts = 0;
  let syncing = null;

  // Brings the ticket list up to date; the kiosk's open conflicts come with it.
  function sync() {
    const id = eventId?.();
    if (!id || syncing) return syncing;
    syncing = syncTickets(id)
      .then((n) => { conflicts = n; onConflicts?.(n); })
      .catch((e) => { if (e instanceof ApiError && e.status === 401) onUnauthorized?.(); })
      .finally(() => { syncing = null; });
    return syncing;
  }

  // Offline: the answer from the ticket list at once; the scan is replayed later with it.
  async function keep(item) {
    const code = item.kind === 'checkin' ? item.body.code : null;
    const decided = code ? await decideOffline(item.event_id, code) : null;
    if (decided) item.body = { ...item.body, offline: { answer: decided.answer, scanned_at: new Date().toISOString() } };
    await outbox.enqueue(item);
    await refreshCount();
    if (!decided) return { tone: 'queued' };
    const { answer, ...shown } = decided;
    return { ...shown, offline: true };
  }

  const setOnline = (v) => {
    if (v === online) return;
    online = v;
    onOnline?.(v);
    if (v) sync();
  };
  const refreshCount = async () => {
    queued = await outbox.count();
    onQueue?.(queued);
  };

  async function submit(kind, body, eventId) {
    const item = { nonce: newNonce(), kind, body, event_id: eventId, created: Date.now() };
    if (!online) return keep(item);
    try {
      const answer = fromAnswer(await send(item));
      setOnline(true);
      if (queued) flush();
      else sync();  // the list learns this check-in before the network can drop
      return answer;
    } catch (e) {
      if (unreachable(e)) {
        setOnline(false);
        return keep(item);
      }
      if (e instanceof ApiError && e.status === 401) {
        onUnauthorized?.();
        return { tone: 'revoked' };
      }
      return fromRefusal(e);
    }
  }

  // Sends the outbox oldest first; stops at the first sign the server is still away.
  async function flush() {
    if (flushing) return;
    flushing = true;
    let sent = 0, refused = 0;
    try {
      for (const item of await outbox.pending()) {
        try {
          await send(item);
          sent += 1;
        } catch (e) {
          if (unreachable(e)) { setOnline(false); break; }
          if (e instanceof ApiError && e.status === 401) { onUnauthorized?.(); break; }
          refused += 1;  // a definite "no" (cancelled ticket …): answered and audited, not resent
        }
        setOnline(true);
        await outbox.remove(item.nonce);
        await refreshCount();
      }
    } finally {
      flushing = false;
    }
    if (sent || refused) {
      onReplayed?.({ sent, refused });
      sync();
    }
  }

  async function probe() {
    if (online && !queued) return;
    try {
      const res = await fetch('/healthz', { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      setOnline(true);
      if (queued) await flush();
    } catch {
      setOnline(false);
    }
  }

  const timer = setInterval(probe, PROBE_MS);
  const syncTimer = setInterval(() => { if (online && !queued) sync(); }, SYNC_MS);
  const wake = () => probe();
  window.addEventListener('online', wake);
  refreshCount().then(() => { if (queued) probe(); });

  return {
    checkIn: (eventId, ticket) => submit('checkin', { ...ticket, event_id: eventId }, eventId),
    walkIn: (eventId, person) => submit('walk_in', person, eventId),
    get online() { return online; },
    get queued() { return queued; },
    get conflicts() { return conflicts; },
    sync,
    setOffline: () => setOnline(false),
    stop() { clearInterval(timer); clearInterval(syncTimer); window.removeEventListener('online', wake); },
  };
}
