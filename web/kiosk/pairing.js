// The kiosk's pairing: the token (and maybe an event) arrive once in the link's hash,
// are kept in localStorage, and the hash is wiped so the token does not linger on screen
// or in the history.
const KEY = 'qiandao.kiosk';

function load() {
  try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch { return null; }
}

export function savePairing(p) {
  localStorage.setItem(KEY, JSON.stringify(p));
}

export function forgetPairing() {
  localStorage.removeItem(KEY);
}

// Returns {token, eventId, event, device} or null when this browser was never paired.
export function readPairing() {
  const hash = new URLSearchParams(location.hash.slice(1));
  let p = load();
  const token = hash.get('token');
  if (token) {
    const eventId = Number(hash.get('event')) || null;
    p = { token, eventId, event: null, device: null };
    savePairing(p);
  }
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return p;
}
