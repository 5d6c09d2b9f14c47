// The door that never stops (issue 11): the kiosk starts with the server down (service
// worker), answers offline scans from its ticket list at once (green, red, red), replays
// them when the server is back, and a ticket cancelled while it was offline lands in the
// staff's 待处理 / needs attention list, where resolving it is audited. Two kiosks that
// both admit one ticket offline give one check-in and one conflict. Unattended screens
// reset; a scan typed through a Pinyin IME composition still scans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, Api, OwnServer, testPhone } from './support/harness.mjs';

const pairLink = (server, device, event) => `${server.url}/kiosk#token=${encodeURIComponent(device.token)}&event=${event.id}`;

// A test on a server of its own (it stops and starts it), with a browser and an admin client.
async function withOwnServer(t, fn) {
  const server = new OwnServer();
  t.diagnostic(`own server on ${server.db}`);
  const browser = await launch();
  try {
    await server.start();
    const api = await new Api(server.url).login(server.admin);
    await fn({ server, browser, api });
  } finally {
    await browser.close();
    await server.dispose();
  }
}

// Polls a condition in node, not a fixed sleep.
async function until(what, fn, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ticketCount = (page) => page.evaluate(() => new Promise((resolve) => {
  const req = indexedDB.open('qiandao-kiosk');
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('tickets')) { resolve(0); return; }
    const get = db.transaction('tickets').objectStore('tickets').count();
    get.onsuccess = () => resolve(get.result);
    get.onerror = () => resolve(0);
  };
  req.onerror = () => resolve(0);
}));

// A paired kiosk that has its worker in control and its event's whole ticket list.
async function readyKiosk(browser, server, device, event, tickets) {
  const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(pairLink(server, device, event));
  await page.waitForSelector('[data-screen=idle]');
  await page.waitForSelector('.k-net[data-state=online]');
  await until('the service worker', () => page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
  await until('the ticket list', async () => (await ticketCount(page)) === tickets);
  return { context, page };
}

async function scan(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

async function answerShown(page, tone) {
  await page.waitForSelector(`.k-result[data-tone=${tone}]:not([hidden])`);
  const offline = await page.getAttribute('.k-result', 'data-offline');
  return offline;
}

async function closeResult(page) {
  await page.click('.k-result');
  await page.waitForSelector('.k-result', { state: 'hidden' });
}

test('offline kiosk: starts with the server down, answers green/red/red, replays, conflict reaches staff', async (t) => {
  await withOwnServer(t, async ({ server, browser, api }) => {
    const people = ['陈建华', '林佳颖', '黄志强'].map((name) => ({ name, phone: testPhone(), organization: '莲湖社区卫生服务中心' }));
    const { event, regs: [good, laterCancelled, cancelled] } = await api.eventWithPeople('医师节表彰大会（断网演练）', people, { venue: '区卫健委 三楼礼堂' });
    await api.post(`/registrations/${cancelled.id}/cancel`, {});
    const device = await api.post('/devices', { name: '礼堂东门', event_id: event.id });
    const { context, page: kiosk } = await readyKiosk(browser, server, device, event, 3);

    // The kiosk loses the server (its requests fail) and, unknown to it, one ticket is
    // cancelled; then the server stops altogether.
    await context.route(/\/(api\/|healthz)/, (route) => route.abort());
    await api.post(`/registrations/${laterCancelled.id}/cancel`, {});
    await server.stop();
    await context.unroute(/\/(api\/|healthz)/);

    // A reload with the server down: the service worker brings the page back.
    await kiosk.reload();
    await kiosk.waitForSelector('[data-screen=idle]');
    await kiosk.waitForSelector('.k-net[data-state=offline]');
    assert.equal(await kiosk.textContent('.k-event-title'), '医师节表彰大会（断网演练）');
    // The same worker keeps the desk's and the judge's pages too; never anything under /api/.
    assert.deepEqual(await kiosk.evaluate(async () => {
      const keys = (await Promise.all((await caches.keys()).map(async (k) => (await caches.open(k)).keys()))).flat().map((r) => new URL(r.url).pathname);
      return [keys.includes('/desk'), keys.includes('/judge'), keys.includes('/web/desk/app.js'), keys.some((p) => p.startsWith('/api/'))];
    }), [true, true, true, false]);

    await scan(kiosk, good.code);
    assert.equal(await answerShown(kiosk, 'ok'), 'yes', 'green, decided offline');
    assert.equal(await kiosk.textContent('.k-result .r-name'), '陈*华');
    await shot(kiosk, 'kiosk-offline-green');
    await closeResult(kiosk);
    await scan(kiosk, good.code);  // again: the list now has it in
    await answerShown(kiosk, 'already');
    await shot(kiosk, 'kiosk-offline-amber');
    await closeResult(kiosk);
    await scan(kiosk, cancelled.code);
    await answerShown(kiosk, 'bad');
    assert.equal(await kiosk.getAttribute('.k-result .r-reason', 'data-reason'), 'cancelled');
    await shot(kiosk, 'kiosk-offline-red');
    await closeResult(kiosk);
    await scan(kiosk, 'ZZZZ9999');
    await answerShown(kiosk, 'bad');
    assert.equal(await kiosk.getAttribute('.k-result .r-reason', 'data-reason'), 'not_found');
    await closeResult(kiosk);
    await scan(kiosk, laterCancelled.code);  // the kiosk does not know: green
    await answerShown(kiosk, 'ok');
    await closeResult(kiosk);
    await kiosk.waitForSelector('.k-queue[data-count="5"]');

    // The server is back: everything is replayed; the server's answers are final.
    await server.start();
    await kiosk.waitForSelector('.k-queue[data-count="0"]', { state: 'attached', timeout: 20000 });
    await kiosk.waitForSelector('.k-net[data-state=online]');
    await kiosk.waitForSelector('.k-conflicts[data-count="1"]', { timeout: 20000 });
    await shot(kiosk, 'kiosk-offline-replayed-conflict');

    const admin = await new Api(server.url).login(server.admin);
    assert.equal((await admin.get(`/events/${event.id}`)).counts.checked_in, 1, 'only the good ticket is in');
    const { items } = await admin.get(`/door/conflicts?event_id=${event.id}`);
    assert.equal(items.length, 1);
    assert.equal(items[0].registration_id, laterCancelled.id);
    assert.equal(items[0].outcome, 'cancelled');
    assert.equal(items[0].kiosk_answer, 'ok');

    // Staff see it under 待处理 / needs attention and resolve it.
    const staffCtx = await newContext(browser);
    const staff = await staffCtx.newPage();
    await staff.goto(`${server.url}/#/door`);
    await staff.fill('#f-username', server.admin.username);
    await staff.fill('#f-password', server.admin.password);
    await staff.click('button[type=submit]');
    const row = staff.locator(`tr[data-conflict-id="${items[0].id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /林佳颖/);
    assert.match(await row.textContent(), /礼堂东门/);
    assert.equal(await staff.textContent('.nav-count'), '1');
    await shot(staff, 'conflicts-list');
    await row.locator('.conflict-note').fill('报名已取消，已请其到服务台');
    await row.locator('button[data-action=refuse]').click();
    await staff.waitForSelector('.empty');
    await staff.waitForSelector('.nav-count', { state: 'hidden' });
    const audit = await admin.get('/audit?limit=50');
    const resolved = audit.items.find((a) => a.action === 'conflict.resolve' && a.target === `conflict:${items[0].id}`);
    assert.ok(resolved, 'resolving is audited');
    assert.match(resolved.detail, /^refuse registration:\d+ 林\*颖$/);
    await kiosk.waitForSelector('.k-conflicts[data-count="0"]', { state: 'attached', timeout: 20000 });
    assert.deepEqual([...context.pageErrors, ...staffCtx.pageErrors], []);
  });
});

test('two kiosks admit the same ticket offline: one check-in, one conflict', async (t) => {
  await withOwnServer(t, async ({ server, browser, api }) => {
    const { event, regs: [r] } = await api.eventWithPeople('科普讲堂（两门演练）', [{ name: '吴海燕', phone: testPhone() }], { kind: 'lecture' });
    const east = await readyKiosk(browser, server, await api.post('/devices', { name: '东门', event_id: event.id }), event, 1);
    const west = await readyKiosk(browser, server, await api.post('/devices', { name: '西门', event_id: event.id }), event, 1);
    await server.stop();
    for (const k of [east, west]) {
      await scan(k.page, r.code);
      assert.equal(await answerShown(k.page, 'ok'), 'yes');
      await k.page.waitForSelector('.k-queue[data-count="1"]');
    }
    await server.start();
    for (const k of [east, west]) await k.page.waitForSelector('.k-queue[data-count="0"]', { state: 'attached', timeout: 20000 });
    const admin = await new Api(server.url).login(server.admin);
    assert.equal((await admin.get(`/events/${event.id}`)).counts.checked_in, 1, 'one check-in');
    const { items } = await admin.get(`/door/conflicts?event_id=${event.id}`);
    assert.equal(items.length, 1, 'one conflict');
    assert.equal(items[0].outcome, 'already');
    assert.deepEqual([...east.context.pageErrors, ...west.context.pageErrors], []);
  });
});

test('unattended: look-up and walk-in reset when idle; an IME composition scans', async (t) => {
  await withOwnServer(t, async ({ server, browser, api }) => {
    const { event, regs: [r] } = await api.eventWithPeople('义诊（无人值守）', [{ name: '徐浩然', phone: testPhone() }], { kind: 'clinic', walk_ins: true });
    const device = await api.post('/devices', { name: '义诊入口', event_id: event.id });
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => { try { localStorage.setItem('qiandao.kiosk.idleSeconds', '2'); } catch { /* about:blank */ } });
    const kiosk = await context.newPage();
    await kiosk.goto(pairLink(server, device, event));
    await kiosk.waitForSelector('[data-screen=idle]');

    // A half-filled look-up goes back to the scan screen and is gone.
    await kiosk.click('[data-action=lookup]');
    await kiosk.fill('.k-phone', '1380');
    await kiosk.waitForSelector('[data-screen=idle]', { timeout: 10000 });
    assert.equal(await kiosk.locator('.k-phone').count(), 0);
    // So does a half-filled walk-in; opened again, it is empty.
    await kiosk.click('[data-action=walk-in]');
    await kiosk.fill('#w-name', '路人甲');
    await kiosk.waitForSelector('[data-screen=idle]', { timeout: 10000 });
    await kiosk.click('[data-action=walk-in]');
    assert.equal(await kiosk.inputValue('#w-name'), '');
    await kiosk.waitForSelector('[data-screen=idle]', { timeout: 10000 });

    // A scanner typing under a Pinyin IME: a composition, then the IME commits the text,
    // full-width as some IMEs do; the plain Enter never arrives.
    await kiosk.focus('#scan');
    const cdp = await context.newCDPSession(kiosk);
    const wide = [...r.code].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xFEE0)).join('');
    await cdp.send('Input.imeSetComposition', { text: r.code.slice(0, 3).toLowerCase(), selectionStart: 3, selectionEnd: 3 });
    await cdp.send('Input.insertText', { text: wide });
    await kiosk.waitForSelector('.k-result[data-tone=ok]:not([hidden])');
    assert.equal((await api.get(`/registrations/${r.id}`)).checked_in_at !== null, true);
    assert.deepEqual(context.pageErrors, []);
  });
});

test('switching a kiosk\'s event asks for the staff PIN set at pairing', async (t) => {
  await withOwnServer(t, async ({ server, browser, api }) => {
    const { event } = await api.eventWithPeople('健康讲堂（PIN）', [], { kind: 'lecture' });
    const device = await api.post('/devices', { name: '大厅', pin: '2468' });
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const kiosk = await context.newPage();
    await kiosk.goto(`${server.url}/kiosk#token=${encodeURIComponent(device.token)}`);
    // The first choice after pairing needs no PIN.
    await kiosk.click(`.k-pick-item[data-event-id="${event.id}"]`);
    await kiosk.waitForSelector('[data-screen=idle]');
    // Switching does: a wrong PIN is refused, the right one opens the picker.
    await kiosk.click('.k-settings');
    await kiosk.waitForSelector('[data-screen=pin]');
    await kiosk.fill('.k-pin', '1357');
    await kiosk.press('.k-pin', 'Enter');
    await kiosk.waitForSelector('.k-pin-error[data-code=wrong_pin]');
    assert.equal(await kiosk.locator('[data-screen=pick]').count(), 0);
    await kiosk.fill('.k-pin', '2468');
    await kiosk.press('.k-pin', 'Enter');
    await kiosk.waitForSelector('[data-screen=pick]');
    assert.deepEqual(context.pageErrors, []);
  });
});
