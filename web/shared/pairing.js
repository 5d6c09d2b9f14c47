// A device's pairing: the token (and maybe an event) arrive once in the link's hash, are
// kept in localStorage under the page's own key, and the hash is wiped so the token does
// not linger on screen or in the history. The kiosk and the clinic desk each keep their own.
export function pairingStore(key) {
  const load = () => {
    try { return JSON.parse(localStorage.getItem(key)) || null; } catch { return null; }
  };
  const save = (p) => localStorage.setItem(key, JSON.stringify(p));
  return {
    save,
    forget: () => localStorage.removeItem(key),
    // {token, eventId, event, device}, or null when this browser was never paired.
    read() {
      const hash = new URLSearchParams(location.hash.slice(1));
      let p = load();
      const token = hash.get('token');
      if (token) {
        p = { token, eventId: Number(hash.get('event')) || null, event: null, device: null };
        save(p);
      }
      if (location.hash) history.replaceState(null, '', location.pathname + location.search);
      return p;
    },
  };
}
