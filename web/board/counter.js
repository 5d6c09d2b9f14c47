// A number that rolls to its new value. The roll is short and always aims at the latest
// value: a new figure mid-roll starts from what is on screen now, so the display is never
// more than one short animation behind the data. data-value holds the true figure at once.
const DURATION_MS = 250;

export function counter(el, format = (n) => n.toLocaleString('zh-CN')) {
  let shown = 0;
  let target = 0;
  let frame = 0;
  const paint = (n) => { el.textContent = format(n); };
  paint(0);
  return {
    set(value) {
      const next = Number(value) || 0;
      el.dataset.value = String(next);
      if (next === target && !frame) return;
      target = next;
      cancelAnimationFrame(frame);
      frame = 0;
      const from = shown;
      if (document.hidden || from === next || Math.abs(next - from) > 5000) {
        shown = next;
        paint(next);
        return;
      }
      const start = performance.now();
      const step = (now) => {
        const p = Math.min(1, (now - start) / DURATION_MS);
        const eased = 1 - (1 - p) ** 3;
        shown = p >= 1 ? target : Math.round(from + (target - from) * eased);
        paint(shown);
        frame = p >= 1 ? 0 : requestAnimationFrame(step);
      };
      frame = requestAnimationFrame(step);
      // rAF stops in a hidden tab; a timer makes sure the final figure lands regardless.
      setTimeout(() => { if (shown !== target && target === next) { cancelAnimationFrame(frame); frame = 0; shown = next; paint(next); } }, DURATION_MS + 100);
    },
    get value() { return target; },
  };
}
