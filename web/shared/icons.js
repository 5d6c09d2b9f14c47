// Line icons drawn as SVG, so they look the same on every machine whatever its fonts.
const SHAPES = {
  check: [['polyline', { points: '20 6 9 17 4 12' }]],
  cross: [['path', { d: 'M18 6 6 18M6 6l12 12' }]],
  alert: [['path', { d: 'M12 4v10' }], ['circle', { cx: 12, cy: 19.5, r: 1.2, fill: 'currentColor' }]],
  clock: [['circle', { cx: 12, cy: 12, r: 9 }], ['polyline', { points: '12 7 12 12 15.5 14' }]],
  phone: [['rect', { x: 6.5, y: 2.5, width: 11, height: 19, rx: 2 }], ['path', { d: 'M10.5 18h3' }]],
  pen: [['path', { d: 'M4 20h4L19.5 8.5a2.1 2.1 0 0 0-4-4L4 16z' }], ['path', { d: 'M13.5 6.5l4 4' }]],
  camera: [['path', { d: 'M3 8.5A1.5 1.5 0 0 1 4.5 7H8l1.5-2.5h5L16 7h3.5A1.5 1.5 0 0 1 21 8.5v10a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z' }], ['circle', { cx: 12, cy: 13.5, r: 3.5 }]],
  upload: [['path', { d: 'M12 16V4M7 9l5-5 5 5M5 20h14' }]],
  lock: [['rect', { x: 5, y: 11, width: 14, height: 10, rx: 2 }], ['path', { d: 'M8 11V7.5a4 4 0 0 1 8 0V11' }]],
};

export function icon(name, className = 'icon') {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2.2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  for (const [tag, attrs] of SHAPES[name] || []) {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    svg.append(el);
  }
  return svg;
}
