// The desk's link to the server. Every tap goes to the outbox first and is sent from there,
// oldest first, one at a time; the server answers a nonce once, so a tap replayed after a
// lost answer or a network outage never counts twice. The figures shown are the server's
// last counts plus what is still waiting in the outbox.
import { post, get, ApiError, NetworkError, newNonce } from '../shared/api.js';
import * as outbox from './outbox.js';

const SEND_TIMEOUT_MS = 5000;
const PROBE_MS = 2000;
const REFRESH_MS = 10000;

const unreachable = (e) => e instanceof NetworkError || (e instanceof ApiError && e.transient);

function send(item) {
  const base = `/events/${item.event_id}/tallies`;
  return item.kind === 'tap'
    ? post(base, { service: item.service, site: item.site, nonce: item.nonce }, { timeout: SEND_TIMEOUT_MS })
    : post(`${base}/undo`, { nonce: item.nonce }, { timeout: SEND_TIMEOUT_MS });
}

// How many a service has at a site in the server's counts (the whole event when no sites).
function served(counts, site, service) {
  if (!counts) return 0;
  const list = site ? counts.by_site?.find((b) => b.site === site)?.services : counts.services;
  return list?.find((s) => s.name === service)?.served || 0;
}

export function createSync({ onChange, onReplayed, onRefused, onUnauthorized }) {
  let online = navigator.onLine !== false;
  let flushing = false;
  let inflight = null;          // the outbox item being sent right now
  const counts = new Map();     // event id → the server's last counts
  let generation = 0;           // bumps on every answer, so an older GET never overwrites it

  const setOnline = (v) => {
    if (v === online) return;
    online = v;
    onChange?.();
  };
  const apply = (eventId, c) => {
    if (!c) return;
    generation += 1;
    counts.set(eventId, c);
  };

  async function flush({ replay = false } = {}) {
    if (flushing) return;
    flushing = true;
    let sent = 0, refused = 0;
    try {
      for (let item = outbox.pending()[0]; item; item = outbox.pending()[0]) {
        inflight = item.id;
        try {
          const data = await send(item);
          apply(item.event_id, data?.counts);
          sent += 1;
          setOnline(true);
        } catch (e) {
          if (unreachable(e)) { setOnline(false); break; }
          if (e instanceof ApiError && e.status === 401) { onUnauthorized?.(); break; }
          refused += 1;  // a definite "no" (event closed, service removed): not sent again
        } finally {
          inflight = null;
        }
        outbox.remove(item.id);
        onChange?.();
      }
    } finally {
      flushing = false;
      inflight = null;
    }
    if (replay && sent) onReplayed?.(sent);
    if (refused) onRefused?.(refused);
  }

  async function probe() {
    if (online && !outbox.pending().length) return;
    try {
      const res = await fetch('/healthz', { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const wasOffline = !online;
      setOnline(true);
      await flush({ replay: wasOffline });
    } catch {
      setOnline(false);
    }
  }

  // The counts of other desks at the same site move too: fetched now and then, and kept
  // only when nothing was answered (or is waiting) meanwhile.
  async function refresh(eventId) {
    if (!online || outbox.pending().length) return;
    const mine = generation;
    try {
      const data = await get(`/events/${eventId}/tallies`);
      if (mine !== generation || outbox.pending().length) return;
      apply(eventId, data?.counts || data);
      onChange?.();
    } catch (e) {
      if (unreachable(e)) setOnline(false);
      else if (e instanceof ApiError && e.status === 401) onUnauthorized?.();
    }
  }

  const probeTimer = setInterval(probe, PROBE_MS);
  let refreshTimer = null;
  const wake = () => probe();
  const sleep = () => setOnline(false);
  window.addEventListener('online', wake);
  window.addEventListener('offline', sleep);

  return {
    get online() { return online; },
    get pendingCount() { return outbox.pending().length; },

    tap(eventId, site, service) {
      const nonce = newNonce();
      outbox.enqueue({ id: `tap:${nonce}`, kind: 'tap', nonce, event_id: eventId, site, service, created: Date.now() });
      outbox.remember({ nonce, event_id: eventId, site, service });
      onChange?.();
      if (online) flush();
    },

    // The last tap still waiting is simply dropped; one already sent (or being sent) is
    // taken back by a queued undo with its nonce. Returns {service, local} or null.
    undo(eventId, site) {
      const last = outbox.takeLast(eventId, site);
      if (!last) return null;
      const id = `tap:${last.nonce}`;
      if (inflight !== id && outbox.pending().some((x) => x.id === id)) {
        outbox.remove(id);
        onChange?.();
        return { service: last.service, local: true };
      }
      outbox.enqueue({ id: `undo:${last.nonce}`, kind: 'undo', nonce: last.nonce, event_id: eventId, site, service: last.service, created: Date.now() });
      onChange?.();
      if (online) flush();
      return { service: last.service, local: false };
    },

    // What the desk shows: the server's figure plus the taps (minus the undos) still waiting.
    count(eventId, site, service) {
      let n = served(counts.get(eventId), site, service);
      for (const x of outbox.pending()) {
        if (x.event_id === eventId && x.site === site && x.service === service) n += x.kind === 'tap' ? 1 : -1;
      }
      return Math.max(0, n);
    },
    siteTotal(eventId, site, services) {
      return services.reduce((sum, s) => sum + this.count(eventId, site, s), 0);
    },
    eventTotal(eventId) {
      let n = counts.get(eventId)?.served || 0;
      for (const x of outbox.pending()) if (x.event_id === eventId) n += x.kind === 'tap' ? 1 : -1;
      return Math.max(0, n);
    },

    watch(eventId) {
      clearInterval(refreshTimer);
      refreshTimer = setInterval(() => refresh(eventId), REFRESH_MS);
      return refresh(eventId);
    },
    setOffline: () => setOnline(false),
    start() { if (outbox.pending().length) probe(); },
    stop() {
      clearInterval(probeTimer);
      clearInterval(refreshTimer);
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', sleep);
    },
  };
}
