// A USB QR scanner is a keyboard: it types the code in a fast burst and presses Enter.
// A hidden input keeps the focus (taken back whenever it is lost while the door screen
// is up) and hands each finished burst to onCode.
const STALE_MS = 1500;  // a lone keystroke older than this is a stray key, not a scan

export function extractCode(text) {
  const s = String(text).trim();
  const m = s.match(/\/t\/([0-9A-Za-z-]+)/);  // a ticket link works as well as the bare code
  return (m ? m[1] : s).replace(/\s+/g, '');
}

export function attachScanner(input, { onCode, isActive }) {
  let last = 0;
  input.addEventListener('keydown', (e) => {
    const now = performance.now();
    if (e.key !== 'Enter' && now - last > STALE_MS) input.value = '';
    last = now;
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const text = input.value;
      input.value = '';
      if (text.trim()) onCode(extractCode(text));
    }
  });
  const refocus = () => {
    if (isActive() && document.activeElement !== input) input.focus({ preventScroll: true });
  };
  input.addEventListener('blur', () => setTimeout(refocus, 50));
  document.addEventListener('pointerup', () => setTimeout(refocus, 50));
  const timer = setInterval(refocus, 1000);
  return { focus: refocus, stop: () => clearInterval(timer) };
}
