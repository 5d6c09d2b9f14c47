// The board's stream discipline, driven through a stand-in WebSocket: the first frame must
// be a snapshot, a gap in seq means a fresh connection, a dropped connection shows
// "数据暂停于 hh:mm" over the last figures and reconnects by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl } from './support/harness.mjs';

// Runs in the page before its modules: records every socket the board opens.
function installFakeSocket() {
  window.__sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.closedByPage = false;
      window.__sockets.push(this);
      setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 0);
    }
    send() {}
    close() { this.closedByPage = true; this.readyState = 3; }
    // test helpers
    push(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
    drop() { this.readyState = 3; this.onclose?.({ code: 1006 }); }
  }
  window.WebSocket = FakeSocket;
}

const event = (checked) => ({ id: 1, title: '2024年中国医师节庆祝大会', kind: 'conference', venue: '区卫生健康委 大会议室', status: 'open', capacity: 260, registered: 180, waitlisted: 0, checked_in: checked });
const snapshot = (seq, checked) => ({
  seq, type: 'snapshot', programme: { title: '青浦区卫生健康系统庆祝2024年中国医师节系列活动', theme: '崇尚人文精神，彰显医者仁心' },
  events: [event(checked)], totals: { registered: 180, waitlisted: 0, checked_in: checked }, recent: [],
});
const update = (seq, checked) => ({
  seq, type: 'update', events: [event(checked)], totals: { registered: 180, waitlisted: 0, checked_in: checked },
  recent: [{ event_id: 1, name: '王*明', organization: '青浦区示范第一医院', at: new Date().toISOString() }],
});

test('board: snapshot then updates; a seq gap reconnects; a drop shows stale and reconnects', async () => {
  const browser = await launch();
  try {
    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    await context.addInitScript(installFakeSocket);
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/board?token=abc`);
    await page.waitForFunction(() => window.__sockets.length === 1);
    assert.match(await page.evaluate(() => window.__sockets[0].url), /\/api\/v1\/board\/ws\?token=abc$/);

    const push = (i, frame) => page.evaluate(([n, f]) => window.__sockets[n].push(f), [i, frame]);
    const checked = () => page.evaluate(() => document.querySelector('.b-card[data-event-id="1"] .b-card-checked')?.dataset.value);

    // An update before any snapshot is not trusted: the board starts again.
    await push(0, update(0, 5));
    await page.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[0].closedByPage);

    await push(1, snapshot(0, 95));
    await page.waitForSelector('.stage[data-state=live]');
    assert.equal(await checked(), '95');
    await push(1, update(1, 96));
    await page.waitForFunction(() => document.querySelector('.b-total-big').dataset.value === '96');
    await page.waitForSelector('.b-recent-row:has-text("王*明")');

    // seq 3 after 1: a frame was lost, so the figures cannot be trusted; reconnect.
    await push(1, update(3, 99));
    await page.waitForFunction(() => window.__sockets.length === 3 && window.__sockets[1].closedByPage);
    assert.equal(await checked(), '96', 'the frame after the gap was not applied');
    await push(2, snapshot(0, 99));
    await page.waitForFunction(() => document.querySelector('.b-total-big').dataset.value === '99');

    // The connection drops: the last figures stay, marked stale with the time.
    await page.evaluate(() => window.__sockets[2].drop());
    await page.waitForSelector('.b-stale:not([hidden])');
    assert.match(await page.textContent('.b-stale'), /数据暂停于 \d{2}:\d{2}/);
    assert.equal(await checked(), '99');
    await page.waitForTimeout(700);
    await shot(page, 'board-stale');
    // …and it reconnects by itself (backoff), then goes live on the next snapshot.
    await page.waitForFunction(() => window.__sockets.length === 4, null, { timeout: 5000 });
    await push(3, snapshot(0, 100));
    await page.waitForSelector('.stage[data-state=live]');
    assert.equal(await page.isVisible('.b-stale'), false);

    // English on the board too.
    await page.click('.b-lang');
    await page.evaluate(() => window.__sockets[3].drop());
    await page.waitForSelector('.b-stale:not([hidden])');
    assert.match(await page.textContent('.b-stale'), /Stale since \d{2}:\d{2}/);
    await page.click('.b-lang');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
