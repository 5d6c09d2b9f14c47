// Camera scanning where the page has a secure context (HTTPS or localhost). Chromium's
// native BarcodeDetector is used when it reads QR codes; otherwise the ZXing library
// (served from /web/vendor, loaded only when the camera is first opened) decodes frames.
const ZXING_SRC = '/web/vendor/@zxing/library/umd/index.min.js';
let zxingLoad = null;

export function cameraAvailable() {
  return Boolean(window.isSecureContext && navigator.mediaDevices?.getUserMedia);
}

function loadZxing() {
  zxingLoad ||= new Promise((resolve, reject) => {
    if (window.ZXing) { resolve(window.ZXing); return; }
    const s = document.createElement('script');
    s.src = ZXING_SRC;
    s.onload = () => resolve(window.ZXing);
    s.onerror = () => { zxingLoad = null; reject(new Error('decoder failed to load')); };
    document.head.append(s);
  });
  return zxingLoad;
}

function decodeOnce(Z, canvas) {
  const reader = new Z.QRCodeReader();
  try {
    const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.HTMLCanvasElementLuminanceSource(canvas)));
    return reader.decode(bitmap).getText();
  } catch {
    return null;  // NotFound/Checksum/Format: no readable code in this frame
  } finally {
    reader.reset();
  }
}

// ZXing-js misses about 1 in 130 perfectly clear codes (zxing-js/library#653). Most of those
// read once the frame is turned (a half or three-quarter turn more often than a quarter),
// and most of the rest once it is also drawn a third larger: measured over 600 of our codes,
// one was left unread by all six views.
const VIEWS = [[0, 1], [1, 1], [2, 1], [3, 1], [2, 4 / 3], [3, 4 / 3]];

function transformed(canvas, turns, scale) {
  const out = document.createElement('canvas');
  const w = Math.round(canvas.width * scale), h = Math.round(canvas.height * scale);
  out.width = turns % 2 ? h : w;
  out.height = turns % 2 ? w : h;
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.translate(out.width / 2, out.height / 2);
  ctx.rotate((Math.PI / 2) * turns);
  ctx.drawImage(canvas, -w / 2, -h / 2, w, h);
  return out;
}

function decodeView(Z, canvas, [turns, scale]) {
  return decodeOnce(Z, turns === 0 && scale === 1 ? canvas : transformed(canvas, turns, scale));
}

// Reads a QR code from a canvas with ZXing; null when there is none.
export async function decodeCanvas(canvas) {
  const Z = await loadZxing();
  for (const view of VIEWS) {
    const text = decodeView(Z, canvas, view);
    if (text) return text;
  }
  return null;
}

async function nativeDetector() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue || null;
  } catch {
    return null;
  }
}

function zxingDetector() {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let frame = 0;
  return async (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    const scale = Math.min(1, 720 / Math.max(w, h));  // smaller frames decode faster
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    // One view per frame, taking turns: an empty frame costs one decode, not six.
    return decodeView(window.ZXing, canvas, VIEWS[frame++ % VIEWS.length]);
  };
}

// Starts the camera into `video` and calls onText once with the first code read.
// Returns a function that stops the camera.
export async function startCamera(video, onText) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  await video.play();
  const detect = (await nativeDetector()) || (await loadZxing(), zxingDetector());
  const tick = async () => {
    if (stopped) return;
    let text = null;
    try { text = await detect(video); } catch { text = null; }
    if (stopped) return;
    if (text) { stop(); onText(text); return; }
    setTimeout(tick, 120);
  };
  tick();
  return stop;
}
