// The desk's outbox in localStorage: taps and undos the server has not yet answered, oldest
// first, each with the nonce it was made with. A localStorage write is synchronous, so a tap
// is on disk before the screen counts it; a reload or a flat battery keeps it.
// Beside it, the history of this desk's own taps (newest last), for "undo last tap".
const QUEUE = 'qiandao.desk.outbox';
const HISTORY = 'qiandao.desk.history';
const HISTORY_MAX = 50;

function read(key) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return Array.isArray(v) ? v : [];
  } catch { return []; }
}

function write(key, list) { localStorage.setItem(key, JSON.stringify(list)); }

export const pending = () => read(QUEUE);
export const enqueue = (item) => write(QUEUE, [...read(QUEUE), item]);
export const remove = (id) => write(QUEUE, read(QUEUE).filter((x) => x.id !== id));

export const remember = (tap) => write(HISTORY, [...read(HISTORY), tap].slice(-HISTORY_MAX));

// Takes this desk's newest tap for the event and site off the history, or null.
export function takeLast(eventId, site) {
  const list = read(HISTORY);
  for (let i = list.length - 1; i >= 0; i -= 1) {
    if (list[i].event_id === eventId && list[i].site === site) {
      const [last] = list.splice(i, 1);
      write(HISTORY, list);
      return last;
    }
  }
  return null;
}
