// The board is laid out once at 1920×1080 and scaled to whatever screen shows it.
export const WIDTH = 1920;
export const HEIGHT = 1080;

export function fitStage(stage, onResize) {
  const fit = () => {
    const scale = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT);
    const x = (window.innerWidth - WIDTH * scale) / 2;
    const y = (window.innerHeight - HEIGHT * scale) / 2;
    stage.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    onResize?.();
  };
  window.addEventListener('resize', fit);
  fit();
}
