// The reference board broadcaster (bench/README.md): a minimal Node `ws` server that boards
// connect to exactly as to Qiandao (GET /api/v1/board/ws). `POST /fire?t=US` pushes ONE
// update frame to every open board at once, committed_at_us = US (the driver's clock when it
// sent the request); answered 201 once every send is queued. A new board gets a snapshot.
//   node bench/ws_reference.mjs [FRAME_BYTES]     prints "listening on http://127.0.0.1:PORT"
// With REFERENCE_PEERS=PORT,PORT (bench/scale.sh: three of these standing for three
// instances), each fire is first passed on to those peers (POST /fire?t=US, same US, over
// keep-alive) and then sent to this process's boards; it is answered without waiting for the
// peers, as an instance answers a check-in without waiting for the others' boards.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const frameBytes = Number(process.argv[2] || 600);
const totals = (n) => ({ registered: 100000, waitlisted: 0, checked_in: n, served: 0 });
const entry = { at: '2026-01-01T09:00:00+08:00', event_id: 1, name: 'A***', unit: 'Unit 1' };
let fired = 0;
const peers = (process.env.REFERENCE_PEERS || '').split(',').filter(Boolean).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const passOn = (t) => {
  for (const port of peers) {
    const r = http.request({ host: '127.0.0.1', port, path: `/fire?t=${t}`, method: 'POST', agent }, (a) => a.resume());
    r.on('error', (e) => console.error(`peer ${port}: ${e.message}`));
    r.end();
  }
};
const server = http.createServer((req, res) => {
  const t = Number(new URL(req.url, 'http://x').searchParams.get('t'));
  if (req.method !== 'POST' || !t) { console.error(req.method, req.url); return res.writeHead(404).end(); }
  passOn(t);
  fired += 1;
  const frame = { seq: fired, committed_at_us: t, events: [], recent: [entry], totals: totals(fired), type: 'update' };
  let text = JSON.stringify({ ...frame, pad: '' });
  text = JSON.stringify({ ...frame, pad: 'x'.repeat(Math.max(0, frameBytes - text.length)) });
  const data = Buffer.from(text); // encoded once; each board gets the same bytes
  for (const ws of wss.clients) ws.send(data, { binary: false });
  res.writeHead(201).end();
});
const wss = new WebSocketServer({ server, path: '/api/v1/board/ws' });
wss.on('connection', (ws) => ws.send(JSON.stringify({ seq: 0, type: 'snapshot', recent: [], totals: totals(fired) })));
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
