// The kiosk keeps working when the server goes away: five scans are answered green at once
// from the kiosk's ticket list (issue 11: before, they showed grey "queued"), queued in
// IndexedDB with their nonces, the screen shows five waiting, and when the server is back
// they are all sent: each ticket checked in exactly once, and the queue empties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, Api, OwnServer, testPhone } from './support/harness.mjs';

test('offline kiosk queues five scans and replays them once the server is back', async (t) => {
  const server = new OwnServer();  // its own process and database: this test stops and restarts it
  t.diagnostic(`own server on ${server.db}`);
  const browser = await launch();
  try {
    await server.start();
    const api = await new Api(server.url).login(server.admin);
    const people = ['陈建华', '林佳颖', '黄志强', '吴海燕', '徐浩然'].map((name) => ({ name, phone: testPhone(), organization: '莲湖社区卫生服务中心' }));
    const { event, regs } = await api.eventWithPeople('健康科普大讲堂（断网演练）', people, { kind: 'lecture', venue: '青浦区图书馆 报告厅' });
    const device = await api.post('/devices', { name: '报告厅入口', event_id: event.id });

    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const kiosk = await context.newPage();
    await kiosk.goto(`${server.url}/kiosk#token=${encodeURIComponent(device.token)}&event=${event.id}`);
    await kiosk.waitForSelector('[data-screen=idle]');
    await kiosk.waitForSelector('.k-net[data-state=online]');
    // The kiosk has its event's ticket list before the server goes.
    for (let i = 0; ; i += 1) {
      const n = await kiosk.evaluate(() => new Promise((resolve) => {
        const req = indexedDB.open('qiandao-kiosk');
        req.onsuccess = () => {
          if (!req.result.objectStoreNames.contains('tickets')) { resolve(0); return; }
          const c = req.result.transaction('tickets').objectStore('tickets').count();
          c.onsuccess = () => resolve(c.result);
        };
      }));
      if (n === 5) break;
      assert.ok(i < 150, 'the ticket list arrives');
      await new Promise((r) => setTimeout(r, 100));
    }

    // The server goes away.
    await server.stop();
    for (const [i, reg] of regs.entries()) {
      await kiosk.keyboard.type(reg.code);
      await kiosk.keyboard.press('Enter');
      await kiosk.waitForSelector('.k-result[data-tone=ok][data-offline=yes]');
      await kiosk.waitForSelector(`.k-queue[data-count="${i + 1}"]`);
      await kiosk.click('.k-result');  // the next person steps up
    }
    await kiosk.waitForSelector('.k-net[data-state=offline]');
    assert.equal(await kiosk.textContent('.k-queue'), '待上传 5');
    const stored = await kiosk.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('qiandao-kiosk');
      req.onsuccess = () => {
        const get = req.result.transaction('outbox').objectStore('outbox').getAll();
        get.onsuccess = () => resolve(get.result.map((x) => x.nonce));
        get.onerror = () => reject(get.error);
      };
      req.onerror = () => reject(req.error);
    }));
    assert.equal(stored.length, 5, 'five check-ins in IndexedDB');
    assert.equal(new Set(stored).size, 5, 'each with its own nonce');
    await shot(kiosk, 'kiosk-offline-queue');

    // The server comes back on the same port and database.
    await server.start();
    await kiosk.waitForSelector('.k-queue[data-count="0"]', { state: 'attached', timeout: 15000 });
    await kiosk.waitForSelector('.k-net[data-state=online]');
    assert.equal(await kiosk.isVisible('.k-queue'), false, 'the queue pill is gone');
    await kiosk.waitForSelector('.k-notice:not([hidden])');
    await shot(kiosk, 'kiosk-offline-replayed');

    const admin = await new Api(server.url).login(server.admin);
    const after = await admin.get(`/events/${event.id}`);
    assert.equal(after.counts.checked_in, 5, 'five check-ins, none twice');
    for (const reg of regs) {
      const r = await admin.get(`/registrations/${reg.id}`);
      assert.ok(r.checked_in_at, `${reg.name} is checked in`);
    }
    const audit = await admin.get('/audit?limit=200');
    const creates = audit.items.filter((a) => a.action === 'checkin.create' && regs.some((r) => a.target === `registration:${r.id}`));
    assert.equal(creates.length, 5, 'exactly one check-in per ticket in the audit log');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
    await server.dispose();
  }
});
