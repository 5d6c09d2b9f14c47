// A clinic desk (a paired device) loses the network: its taps wait in localStorage with
// their nonces, "undo" drops a waiting tap or queues the undo of a sent one, and when the
// network returns every waiting request is sent once, in order. The server's counts then
// equal exactly the taps minus the undos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, Api } from './support/harness.mjs';

test('offline desk queues taps and an undo, then replays each exactly once', async () => {
  const api = await new Api().login();
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const event = await api.post('/events', {
    title: `义诊·断网演练 ${now % 100000}`, kind: 'clinic', venue: '镇社区卫生服务中心',
    starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3), capacity: null,
    services: ['血压测量', '血糖检测', '健康咨询'],
  });
  const device = await api.post('/devices', { name: `义诊服务台 ${now % 1000}`, event_id: event.id });

  const browser = await launch();
  try {
    const context = await newContext(browser, { viewport: { width: 1024, height: 768 } });
    const desk = await context.newPage();
    await desk.goto(`${baseUrl()}/desk#token=${encodeURIComponent(device.token)}&event=${event.id}`);
    await desk.waitForSelector('[data-screen=pad]');
    assert.equal(new URL(desk.url()).hash, '', 'the token is wiped from the address bar');
    await desk.waitForSelector('.d-net[data-state=online]');
    const count = (s) => desk.locator(`.d-svc-count[data-count="${s}"]`).getAttribute('data-value');
    const outbox = () => desk.evaluate(() => JSON.parse(localStorage.getItem('qiandao.desk.outbox') || '[]'));

    // Online: one tap, sent and answered.
    await desk.click('.d-svc[data-service="血糖检测"]');
    await desk.waitForSelector('.d-queue[data-count="0"]', { state: 'attached' });
    assert.equal((await api.get(`/events/${event.id}/tallies`)).served, 1);

    // Every tally request from here on, by nonce.
    const sent = [];
    desk.on('request', (r) => {
      if (r.method() === 'POST' && /\/tallies(\/undo)?$/.test(r.url())) sent.push({ undo: r.url().endsWith('/undo'), nonce: r.postDataJSON().nonce });
    });

    await context.setOffline(true);
    await desk.waitForSelector('.d-net[data-state=offline]');
    // Undo the tap already sent: an undo is queued (the count drops at once).
    await desk.click('[data-action=undo]');
    assert.equal(await count('血糖检测'), '0');
    assert.match(await desk.textContent('.d-status'), /待上传/);
    // Five taps, then undo the last: it was never sent, so it is simply dropped.
    for (const s of ['血压测量', '血压测量', '血压测量', '健康咨询', '健康咨询']) await desk.click(`.d-svc[data-service="${s}"]`);
    await desk.waitForSelector('.d-queue[data-count="6"]');
    await desk.click('[data-action=undo]');
    await desk.waitForSelector('.d-queue[data-count="5"]');
    assert.equal(await desk.textContent('.d-queue'), '待上传 5');
    assert.equal(await count('血压测量'), '3');
    assert.equal(await count('健康咨询'), '1');
    assert.equal(await desk.getAttribute('[data-total=event]', 'data-value'), '4');

    const queued = await outbox();
    assert.deepEqual(queued.map((x) => x.kind), ['undo', 'tap', 'tap', 'tap', 'tap'], 'kept in localStorage in order');
    assert.equal(new Set(queued.map((x) => x.nonce)).size, 5, 'each with its own nonce');
    assert.equal((await api.get(`/events/${event.id}/tallies`)).served, 1, 'nothing reached the server');
    await shot(desk, 'desk-offline-queue');

    // The network returns: the outbox empties, each request once, in order.
    await context.setOffline(false);
    await desk.waitForSelector('.d-queue[data-count="0"]', { state: 'attached', timeout: 15000 });
    await desk.waitForSelector('.d-net[data-state=online]');
    await desk.waitForSelector('.d-notice:not([hidden])');
    assert.match(await desk.textContent('.d-notice'), /5 条离线记录已上传/);
    assert.deepEqual(sent.map((x) => x.nonce), queued.map((x) => x.nonce), 'each queued request sent exactly once, in order');
    assert.deepEqual(await outbox(), []);

    const counts = await api.get(`/events/${event.id}/tallies`);
    const by = Object.fromEntries(counts.services.map((s) => [s.name, s.served]));
    assert.deepEqual(by, { 血压测量: 3, 血糖检测: 0, 健康咨询: 1 }, 'the taps, minus both undos');
    assert.equal(counts.served, 4);
    assert.equal(await count('血压测量'), '3');
    assert.equal(await count('血糖检测'), '0');
    await shot(desk, 'desk-offline-replayed');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
