// A USB QR scanner is a keyboard: it types the code in a fast burst and presses Enter.
// A hidden input keeps the focus (taken back whenever it is lost while the door screen
// is up) and hands each finished burst to onCode.
//
// With the kiosk's input method on Chinese Pinyin the burst arrives otherwise: keydowns
// come as keyCode 229 "Process", the letters go into a composition that the scanner's
// Enter commits (that Enter never reaches us as a plain Enter), or the IME inserts the
// text in one go (insertText), sometimes as full-width characters. So the input's value
// is read after each composition or insertion, a short quiet spell finishes the code when
// no plain Enter follows, and the text is NFKC-normalised (ＡＢ１２ → AB12).
const STALE_MS = 1500;  // a lone keystroke older than this is a stray key, not a scan
const QUIET_MS = 150;   // after an IME commit: no more input this long = the code is complete
const MIN_IME_CODE = 4; // shorter commits are a stray key, not a scan

export function extractCode(text) {
  const s = String(text).normalize('NFKC').trim();
  const m = s.match(/\/t\/([0-9A-Za-z-]+)/);  // a ticket link works as well as the bare code
  return (m ? m[1] : s).replace(/\s+/g, '');
}

export function attachScanner(input, { onCode, isActive }) {
  let last = 0;
  let composing = false;
  let quiet = null;
  const finish = () => {
    clearTimeout(quiet);
    quiet = null;
    const text = input.value;
    input.value = '';
    if (text.trim()) onCode(extractCode(text));
  };
  // After an IME commit or insertion the Enter may have been eaten: finish on a quiet spell.
  const finishSoon = () => {
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      if (!composing && extractCode(input.value).length >= MIN_IME_CODE) finish();
    }, QUIET_MS);
  };
  input.addEventListener('keydown', (e) => {
    const now = performance.now();
    const ime = e.isComposing || e.keyCode === 229 || e.key === 'Process';
    if (!ime && !composing && e.key !== 'Enter' && now - last > STALE_MS) input.value = '';
    last = now;
    if (ime) return;  // the input method is holding this key: its commit ends up in the value
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      finish();
    }
  });
  input.addEventListener('compositionstart', () => { composing = true; clearTimeout(quiet); });
  input.addEventListener('compositionend', () => { composing = false; last = performance.now(); finishSoon(); });
  input.addEventListener('input', (e) => {
    if (composing) return;
    // Text the IME (or an on-screen keyboard) put in without keystrokes of its own.
    if (e.inputType === 'insertText' || e.inputType === 'insertCompositionText' || e.inputType === 'insertReplacementText') {
      if (e.isComposing) return;
      last = performance.now();
      if (quiet || (e.data && e.data.length > 1)) finishSoon();
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
