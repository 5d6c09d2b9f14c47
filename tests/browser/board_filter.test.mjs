// The board shows the events chosen (issue 11): by default today's and later events that are
// not cancelled; ?events= names them; the AV operator's picker (E key) changes the choice and
// keeps it in the address and localStorage; every total follows what is shown. After a
// reload the per-minute chart shows the last hour from the snapshot (check-ins made minutes
// before the page opened), and an undone check-in leaves it, live and after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, newContext, shot, Api, OwnServer, engine, testPhone } from './support/harness.mjs';

// A time as the server stores it: Asia/Shanghai, "YYYY-MM-DDTHH:MM:SS+08:00".
const shanghai = (ms) => `${new Date(ms + 8 * 3600e3).toISOString().slice(0, 19)}+08:00`;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// Moves check-ins into the past, with the server stopped (test-made SQL on the run's engine).
function backdate(db, moves) {
  const sql = moves.map(([reg, ms]) => `UPDATE checkins SET at = '${shanghai(ms)}' WHERE registration_id = ${Number(reg)} AND undone_at IS NULL;`).join('\n');
  if (engine === 'sqlite') execFileSync('sqlite3', [db], { input: sql });
  else execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db], { input: sql });
}

test('board: the events shown, the picker, totals over them, the chart after a reload', async () => {
  const own = new OwnServer();
  await own.start();
  const browser = await launch();
  try {
    const api = await new Api(own.url).login(own.admin);
    const people = (n) => Array.from({ length: n }, (_, i) => ({ name: `测试${'甲乙丙丁'[i]}`, phone: testPhone() }));
    const { event: a, regs: ra } = await api.eventWithPeople('中国医师节庆祝大会', people(3));
    const { event: b, regs: rb } = await api.eventWithPeople('名医面对面义诊', people(2), { kind: 'clinic' });
    const now = Date.now();
    const { event: past } = await api.eventWithPeople('上周的健康讲座', people(1), { kind: 'lecture', starts_at: iso(now - 7 * 86400e3), ends_at: iso(now - 7 * 86400e3 + 3600e3) });
    const { event: gone } = await api.eventWithPeople('取消的沙龙', people(1), { kind: 'salon' });
    await api.call('PATCH', `/events/${gone.id}`, { status: 'cancelled' });
    let nonce = 0;
    const checkIn = (r) => api.post('/checkins', { registration_id: r.id, nonce: `filter-${now}-${nonce += 1}` });
    await checkIn(ra[0]);
    await checkIn(ra[1]);
    await checkIn(rb[0]);
    // Two of them were made 15 and 7 minutes ago, before this board ever opened.
    await own.stop();
    backdate(own.db, [[ra[0].id, now - 15 * 60e3], [ra[1].id, now - 7 * 60e3]]);
    await own.start();

    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const board = await context.newPage();
    const cards = () => board.$$eval('.b-card', (els) => els.map((e) => Number(e.dataset.eventId)));
    const total = (key) => board.getAttribute(`[data-total="${key}"]`, 'data-value');
    const chart = (key) => board.getAttribute('.b-chart', `data-${key}`);
    const live = () => board.waitForSelector('.stage[data-state=live]');

    // By default: today's events, not the one that ended last week, not the cancelled one.
    await board.goto(`${own.url}/board`);
    await live();
    assert.deepEqual(await cards(), [a.id, b.id]);
    assert.equal(await total('registered'), '5');
    assert.equal(await total('checked_in'), '3');
    // The chart right after the load: three minutes with a check-in, two of them earlier.
    await board.waitForFunction(() => document.querySelector('.b-chart').dataset.total === '3');
    assert.equal(await chart('minutes'), '3');

    // One event named in the address: just it, its totals, its chart.
    await board.goto(`${own.url}/board?events=${b.id}`);
    await live();
    assert.deepEqual(await cards(), [b.id]);
    assert.equal(await total('registered'), '2');
    assert.equal(await total('checked_in'), '1');
    assert.equal(await board.textContent('[data-total="rate"]'), '50.0%');
    await board.waitForFunction(() => document.querySelector('.b-chart').dataset.total === '1');
    assert.equal(await board.$$eval('.b-recent-row', (rows) => rows.length), 1);

    // The picker: hidden on a still screen, opened with E; it lists every event.
    assert.equal(await board.isVisible('.b-pick'), false);
    await board.keyboard.press('e');
    await board.waitForSelector('.b-pick:not([hidden])');
    const listed = await board.$$eval('.b-pick-list li', (els) => els.map((e) => Number(e.dataset.eventId)));
    for (const id of [a.id, b.id, past.id, gone.id]) assert.ok(listed.includes(id), `event ${id} listed`);
    assert.equal(await board.isChecked(`.b-pick-list li[data-event-id="${b.id}"] input`), true);
    await board.check(`.b-pick-list li[data-event-id="${past.id}"] input`);
    await board.uncheck(`.b-pick-list li[data-event-id="${b.id}"] input`);
    await board.click('.b-pick-apply');
    await board.waitForSelector('.b-pick', { state: 'hidden' });
    assert.deepEqual(await cards(), [past.id]);
    assert.equal(await total('registered'), '1');
    assert.equal(await total('checked_in'), '0');
    assert.match(board.url(), new RegExp(`[?&]events=${past.id}$`));
    assert.equal(await board.evaluate(() => localStorage.getItem('qiandao.board.events')), String(past.id));

    // The choice outlives a reload without ?events= (the operator's screen reboots).
    await board.goto(`${own.url}/board`);
    await live();
    assert.deepEqual(await cards(), [past.id]);
    // Default again: today's events.
    await board.keyboard.press('e');
    await board.click('.b-pick-default');
    assert.deepEqual(await cards(), [a.id, b.id]);
    assert.doesNotMatch(board.url(), /events=/);
    assert.equal(await board.evaluate(() => localStorage.getItem('qiandao.board.events')), null);

    // An undone check-in leaves the chart at once, and after a reload.
    await board.goto(`${own.url}/board?events=${a.id}`);
    await live();
    await board.waitForFunction(() => document.querySelector('.b-chart').dataset.total === '2');
    assert.equal(await chart('minutes'), '2', 'the minutes 15 and 7 before the board opened');
    await board.waitForTimeout(500);  // the counters' roll and the chart's bars settle
    await shot(board, 'board-filtered');
    const reg = await api.get(`/registrations/${ra[1].id}`);
    await api.call('DELETE', `/checkins/${reg.checkin_id}`);
    await board.waitForFunction(() => document.querySelector('.b-chart').dataset.total === '1');
    assert.equal(await total('checked_in'), '1');
    await board.reload();
    await live();
    await board.waitForFunction(() => document.querySelector('.b-chart').dataset.total === '1');
    assert.equal(await chart('minutes'), '1');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
    await own.dispose();
  }
});
