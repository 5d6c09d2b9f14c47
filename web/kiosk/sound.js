// Short tones so the person at the door hears the answer as well as seeing it.
let ctx = null;

function tone(freq, start, length, gain = 0.18) {
  const osc = ctx.createOscillator();
  const g = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = freq;
  g.gain.setValueAtTime(0, ctx.currentTime + start);
  g.gain.linearRampToValueAtTime(gain, ctx.currentTime + start + 0.01);
  g.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + length);
  osc.connect(g).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + length + 0.02);
}

export function beep(kind) {
  try {
    ctx ||= new AudioContext();
    if (ctx.state === 'suspended') ctx.resume();
    if (kind === 'ok') { tone(880, 0, 0.12); tone(1320, 0.12, 0.18); }
    else if (kind === 'already' || kind === 'queued') tone(660, 0, 0.22);
    else { tone(300, 0, 0.18); tone(220, 0.22, 0.3); }
  } catch { /* no audio device: the screen still answers */ }
}
