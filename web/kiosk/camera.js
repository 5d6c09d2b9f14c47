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

// The frame turned a quarter: ZXing-js misses about 1 in 70 perfectly clear codes
// (zxing-js/library#653) and reads about half of those once turned.
function quarterTurn(canvas) {
  const turned = document.createElement('canvas');
  turned.width = canvas.height;
  turned.height = canvas.width;
  const ctx = turned.getContext('2d');
  ctx.translate(turned.width, 0);
  ctx.rotate(Math.PI / 2);
  ctx.drawImage(canvas, 0, 0);
  return turned;
}

// Reads a QR code from a canvas with ZXing; null when there is none.
export async function decodeCanvas(canvas) {
  const Z = await loadZxing();
  return decodeOnce(Z, canvas) ?? decodeOnce(Z, quarterTurn(canvas));
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
  return async (video) => {
    const w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    const scale = Math.min(1, 720 / Math.max(w, h));  // smaller frames decode faster
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    return decodeCanvas(canvas);
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
