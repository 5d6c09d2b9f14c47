// A judge's scores on their way to the server. Each score gets its nonce before it is sent
// and is written to localStorage first; a lost answer, a dropped Wi-Fi or a 5xx is retried
// with the same nonce (the server answers a nonce once, so a retry never scores twice), and
// a reload resumes what was still waiting. A definite "no" (422, 409) ends the attempt.
import { post, ApiError, NetworkError, newNonce } from '../shared/api.js';

const KEY = 'qiandao.judge.outbox';
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
const SEND_TIMEOUT_MS = 8000;

const unreachable = (e) => e instanceof NetworkError || (e instanceof ApiError && e.transient);

function read() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY));
    return Array.isArray(v) ? v : [];
  } catch { return []; }
}
function write(list) { localStorage.setItem(KEY, JSON.stringify(list)); }
const drop = (nonce) => write(read().filter((x) => x.nonce !== nonce));

export function createSender({ onChange }) {
  const waiting = new Map();  // nonce → {resolve, attempt, timer}
  let online = true;

  const setOnline = (v) => { if (v !== online) { online = v; onChange?.(); } };

  async function attempt(item) {
    const w = waiting.get(item.nonce);
    try {
      const body = { item_id: item.item_id, registration_id: item.registration_id, score: item.score, nonce: item.nonce };
      if (item.reason) body.reason = item.reason;
      const data = await post(`/events/${item.event_id}/competition/scores`, body, { timeout: SEND_TIMEOUT_MS });
      setOnline(true);
      finish(item, { ok: true, data });
    } catch (e) {
      if (unreachable(e)) {
        setOnline(false);
        const n = w ? w.attempt++ : 0;
        const timer = setTimeout(() => attempt(item), BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]);
        if (w) w.timer = timer;
        onChange?.();
        return;
      }
      if (!(e instanceof ApiError && e.status === 401)) setOnline(true);
      finish(item, { ok: false, error: e });
    }
  }

  function finish(item, outcome) {
    drop(item.nonce);
    const w = waiting.get(item.nonce);
    waiting.delete(item.nonce);
    onChange?.();
    w?.resolve({ ...outcome, item });
  }

  function start(item) {
    return new Promise((resolve) => {
      waiting.set(item.nonce, { resolve, attempt: 0, timer: null });
      attempt(item);
    });
  }

  return {
    get online() { return online; },
    // What is still waiting (sent or not), for the rows that show "to send".
    pending: (eventId, itemId) => read().filter((x) => x.event_id === eventId && x.item_id === itemId),
    // Resolves {ok, data} or {ok: false, error} once the server has answered for certain.
    submit({ eventId, itemId, registrationId, score, reason }) {
      const item = { nonce: newNonce(), event_id: eventId, item_id: itemId, registration_id: registrationId, score, reason: reason || null, created: Date.now() };
      write([...read(), item]);
      onChange?.();
      return start(item);
    },
    // After a reload: send again what a previous page left waiting; `onDone` gets each answer.
    resume(onDone) {
      for (const item of read()) if (!waiting.has(item.nonce)) start(item).then(onDone);
    },
    retryNow() {
      for (const [nonce, w] of waiting) {
        clearTimeout(w.timer);
        const item = read().find((x) => x.nonce === nonce);
        if (item) attempt(item);
      }
    },
  };
}
