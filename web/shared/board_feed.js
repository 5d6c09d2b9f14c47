// The live board stream: a snapshot, then numbered updates. Any gap in `seq`, a first frame
// that is not a snapshot, or a closed socket means "start again": reconnect (with backoff)
// and take the fresh snapshot, so what is shown is never a guess.
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
// A pulled cable leaves a socket that looks open for minutes. A small text frame every few
// seconds (the server reads and ignores it) stays queued in bufferedAmount when the link is
// dead; two checks in a row with bytes still waiting mean the connection is gone.
const HEARTBEAT_MS = 5000;

export function openBoardFeed({ token, onSnapshot, onUpdate, onState }) {
  let ws = null;
  let expected = null;  // the seq the next frame must carry; null before the snapshot
  let attempt = 0;
  let timer = null;
  let closed = false;
  let state = '';
  let lastFrameAt = null;
  let stuck = 0;

  const setState = (next) => {
    if (next === state) return;
    state = next;
    onState?.(next, { lastFrameAt });
  };

  function url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    return `${scheme}://${location.host}/api/v1/board/ws${q}`;
  }

  function connect() {
    clearTimeout(timer);
    timer = null;
    if (closed) return;
    expected = null;
    setState(attempt === 0 && lastFrameAt === null ? 'connecting' : 'reconnecting');
    let socket;
    try {
      socket = new WebSocket(url());
    } catch {
      scheduleReconnect();
      return;
    }
    ws = socket;
    socket.onmessage = (ev) => {
      if (socket !== ws) return;
      handle(ev.data);
    };
    socket.onclose = () => {
      if (socket !== ws) return;
      ws = null;
      scheduleReconnect();
    };
    socket.onerror = () => { /* onclose follows and does the work */ };
  }

  function handle(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { return restart(); }
    const first = expected === null;
    if (first ? frame.type !== 'snapshot' : frame.seq !== expected) return restart();
    expected = frame.seq + 1;
    lastFrameAt = new Date();
    if (frame.type === 'snapshot') {
      attempt = 0;
      onSnapshot?.(frame);
      setState('live');
    } else {
      onUpdate?.(frame);
    }
  }

  // A gap: drop this socket at once and fetch a fresh snapshot on a new one.
  function restart() {
    const old = ws;
    ws = null;
    if (old) { old.onclose = null; old.close(); }
    connect();
  }

  function scheduleReconnect() {
    if (closed || timer) return;
    setState(lastFrameAt ? 'stale' : 'offline');
    const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    timer = setTimeout(connect, base + Math.random() * base * 0.3);
  }

  const heartbeat = setInterval(() => {
    if (!ws || ws.readyState !== 1) return;
    stuck = ws.bufferedAmount > 0 ? stuck + 1 : 0;
    if (stuck >= 2) {
      stuck = 0;
      const dead = ws;
      ws = null;
      dead.onclose = null;
      dead.close();
      scheduleReconnect();
      return;
    }
    try { ws.send('.'); } catch { /* closing: onclose handles it */ }
  }, HEARTBEAT_MS);

  const wake = () => { if (!ws && !closed) { attempt = 0; connect(); } };
  window.addEventListener('online', wake);
  const onVisible = () => { if (!document.hidden) wake(); };
  document.addEventListener('visibilitychange', onVisible);

  connect();
  return {
    get state() { return state; },
    get lastFrameAt() { return lastFrameAt; },
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      if (ws) { ws.onclose = null; ws.close(); ws = null; }
    },
  };
}
