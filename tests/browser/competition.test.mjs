// A small skill competition end to end: an admin sets up the contest (two items, two judges
// on the first) in the staff app, four competitors from two units register and three check
// in; staff draw the first item (the missing one is left out); two judges, each on their own
// tablet, score on /judge (one score survives a dropped request and is sent once); the
// board's competition screen follows now / next and the ranking live, marked provisional; a
// correction with a reason changes the ranking; the admin publishes, and the board shows
// the final ranking. The board also shows the draw: the order of appearance of the item now
// competing (masked, who is done, who is on) and its seed; a 40-competitor draw still fits
// the 1920×1080 screen beside a full ranking. Figures are checked, not just presence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, admin, Api, testPhone } from './support/harness.mjs';

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const TABLET = { viewport: { width: 1180, height: 820 }, hasTouch: true };
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function signIn(page) {
  await page.fill('#f-username', admin().username);
  await page.fill('#f-password', admin().password);
  await page.click('button[type=submit]');
}

// The board's ranking as [{rank, name, total, complete}], in screen order.
const boardRanking = (board) => board.$$eval('.c-ranking .c-row', (rows) => rows.map((r) => ({
  rank: Number(r.dataset.rank), name: r.querySelector('.c-name').textContent, total: r.querySelector('.c-total').textContent, complete: r.dataset.complete === 'yes',
})));

async function waitBoard(board, expected, message) {
  try {
    await board.waitForFunction((want) => {
      const rows = [...document.querySelectorAll('.c-ranking .c-row')].map((r) => `${r.dataset.rank}|${r.querySelector('.c-name').textContent}|${r.querySelector('.c-total').textContent}`);
      return JSON.stringify(rows) === JSON.stringify(want);
    }, expected.map((e) => `${e.rank}|${e.name}|${e.total}`), { timeout: 5000 });
  } catch {
    assert.deepEqual((await boardRanking(board)).map((e) => `${e.rank}|${e.name}|${e.total}`), expected.map((e) => `${e.rank}|${e.name}|${e.total}`), message);
  }
}

const slotName = (board, key) => board.textContent(`[data-slot=${key}] .c-slot-name`);

// The server's masking (张三丰 → 张*丰, 欧阳晓明 → 欧**明), for comparing with whole names.
const mask = (name) => {
  const cps = [...name];
  if (cps.length <= 1) return cps.length ? '*' : '';
  return cps.length === 2 ? `${cps[0]}*` : cps[0] + '*'.repeat(cps.length - 2) + cps.at(-1);
};

// The board's draw panel rows, in screen order.
const boardDraw = (board) => board.$$eval('.c-draw-list .c-draw-row', (rows) => rows.map((r) => ({
  position: Number(r.dataset.position), name: r.querySelector('.c-draw-name').textContent, unit: r.querySelector('.c-draw-unit').textContent, done: r.dataset.done === 'yes', current: r.dataset.current === 'yes',
})));
// What it should list for a recorded draw (GET …/draw, whole names): positions done and the one on.
const expectedDraw = (draw, done, current) => draw.order.map((o) => ({
  position: o.position, name: mask(o.name), unit: o.unit, done: done.includes(o.position), current: o.position === current,
}));

// Waits until the draw panel shows the wanted rows (compared as JSON), then asserts them.
async function waitDraw(board, want, message) {
  try {
    await board.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('.c-draw-list .c-draw-row')].map((r) => ({
      position: Number(r.dataset.position), name: r.querySelector('.c-draw-name').textContent, unit: r.querySelector('.c-draw-unit').textContent, done: r.dataset.done === 'yes', current: r.dataset.current === 'yes',
    }))) === w, JSON.stringify(want), { timeout: 5000 });
  } catch { /* the assertion below says what differs */ }
  assert.deepEqual(await boardDraw(board), want, message);
}

// The seed line: the first 8 hex digits and …, the whole seed in its title.
async function assertSeed(board, seed) {
  assert.equal(await board.textContent('.c-draw-seed'), `抽签种子：${seed.slice(0, 8)}…`);
  assert.equal(await board.getAttribute('.c-draw-seed', 'title'), seed);
  assert.equal(await board.getAttribute('.c-draw-seed', 'data-seed'), seed);
}

// One judge signs in on a tablet through the staff sign-in and its ?next=/judge.
async function judgeTablet(browser, user, eventId, itemId) {
  const ctx = await newContext(browser, TABLET);
  const page = await ctx.newPage();
  await page.goto(`${baseUrl()}/judge`);
  await page.click('[data-action=sign-in]');
  await page.fill('#f-username', user.username);
  await page.fill('#f-password', user.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/judge$/);
  await page.click(`.j-pick-item[data-event-id="${eventId}"]`);
  await page.click(`.j-item[data-item-id="${itemId}"]`);
  await page.waitForSelector('.j-score-screen .j-row');
  return { ctx, page };
}

async function score(page, regId, value) {
  await page.click(`.j-row[data-reg-id="${regId}"] .j-row-btn`);
  await page.fill('#score-input', String(value));
  await page.click('[data-action=submit-score]');
  await page.waitForSelector(`.j-row[data-reg-id="${regId}"] .j-my-score[data-value="${value}"]`);
}

test('competition: roll-call, draw, two judges, live board, correction, publication', async () => {
  const api = await new Api().login();
  const tag = String(Date.now() % 1000000);
  const unitA = await api.post('/units', { name: `竞赛甲医院${tag}`, kind: 'hospital' });
  const unitB = await api.post('/units', { name: `竞赛乙社区卫生服务中心${tag}`, kind: 'community' });
  const now = Date.now();
  const event = await api.post('/events', {
    title: `全科医师技能竞赛·测试 ${tag}`, kind: 'competition', venue: '技能中心', starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3), capacity: null,
  });
  const people = [['赵一鸣', unitA], ['钱二宝', unitA], ['孙三立', unitB], ['李四海', unitB]];
  const regs = [];
  for (const [name, unit] of people) regs.push(await api.post(`/events/${event.id}/registrations`, { name, phone: testPhone(), unit_id: unit.id }));
  const [rA1, rA2, rB1, rB2] = regs;
  for (const r of [rA1, rA2, rB1]) await api.post('/checkins', { registration_id: r.id, nonce: `comp-${tag}-${r.id}` });  // 李四海 stays missing
  const masked = { [rA1.id]: '赵*鸣', [rA2.id]: '钱*宝', [rB1.id]: '孙*立' };

  const browser = await launch();
  try {
    // ── The admin sets the rules and items in the staff app, and adds a judge account. ──
    const staffCtx = await newContext(browser);
    const staff = await staffCtx.newPage();
    await staff.goto(`${baseUrl()}/#/events/${event.id}/competition`);
    await signIn(staff);
    await staff.waitForSelector('form[data-editor=competition]');
    const rows = staff.locator('.comp-item-row');
    await rows.nth(0).locator('[data-f=name]').fill('导尿术');
    await rows.nth(0).locator('[data-f=max_score]').fill('100');
    await rows.nth(0).locator('[data-f=judges]').fill('2');
    await rows.nth(0).locator('[data-f=time_limit]').fill('8');
    await rows.nth(0).locator('[data-f=station]').fill('A 考站');
    await staff.click('[data-action=add-item]');
    await rows.nth(1).locator('[data-f=name]').fill('换药');
    await rows.nth(1).locator('[data-f=max_score]').fill('50');
    await rows.nth(1).locator('[data-f=judges]').fill('1');
    await staff.click('[data-action=save-competition]');
    await staff.waitForSelector('.comp-nav .seg[data-seg^="item-"]');
    const comp = await api.get(`/events/${event.id}/competition`);
    assert.equal(comp.scoring_rule, 'mean');
    assert.deepEqual(comp.items.map((i) => [i.name, i.max_score, i.judges, i.time_limit_s, i.station]), [['导尿术', 100, 2, 480, 'A 考站'], ['换药', 50, 1, null, '']]);
    const [item1, item2] = comp.items;

    const judges = [{ username: `judge1_${tag}`, password: 'judge-one-password' }, { username: `judge2_${tag}`, password: 'judge-two-password' }];
    await staff.goto(`${baseUrl()}/#/users`);
    await staff.fill('#user-name', judges[0].username);
    await staff.fill('#user-password', judges[0].password);
    assert.equal(await staff.inputValue('#user-role'), 'judge', 'a new account is a judge by default');
    await staff.click('[data-form=new-user] button[type=submit]');
    await staff.waitForSelector(`.users-table tr[data-username="${judges[0].username}"]`);
    const made = await api.post('/users', { ...judges[1], role: 'judge' });
    assert.equal(made.role, 'judge');

    // ── The board's competition screen, open before anything is drawn. ──
    const boardCtx = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const board = await boardCtx.newPage();
    await board.goto(`${baseUrl()}/board?screen=competition&event=${event.id}`);
    await board.waitForSelector('.stage[data-state=live]');
    await board.waitForSelector(`.b-body-comp[data-event-id="${event.id}"]`);
    assert.equal(await board.getAttribute('.c-badge', 'data-published'), 'no');
    assert.equal(await board.textContent('.c-badge'), '暂定成绩');
    assert.equal(await board.locator('.c-ranking .c-row').count(), 0);
    assert.equal(await board.getAttribute('.c-draw', 'data-drawn'), 'no');
    assert.equal(await board.textContent('.c-draw-empty'), '等待抽签…');
    assert.equal(await board.locator('.c-draw-row').count(), 0);
    assert.equal(await board.isVisible('.c-draw-seed'), false);

    // ── Roll-call and the draw for item 1, in the staff app. ──
    await staff.goto(`${baseUrl()}/#/events/${event.id}/competition/items/${item1.id}`);
    await staff.waitForSelector('.comp-rollcall[data-present="3"][data-missing="1"]');
    assert.equal(await staff.getAttribute(`.rollcall-table tr[data-reg-id="${rB2.id}"]`, 'data-status'), 'missing');
    assert.equal(await staff.getAttribute(`.rollcall-table tr[data-reg-id="${rA1.id}"]`, 'data-status'), 'present');
    await staff.click('[data-action=draw]');
    await staff.click('dialog.confirm button[value=ok]');
    await staff.waitForSelector('.comp-draw[data-drawn=yes]');
    const order = (await staff.$$eval('.draw-order tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.regId))));
    assert.equal(order.length, 3, 'three present competitors drawn');
    assert.ok(!order.includes(rB2.id), 'the missing competitor is not in the order');
    assert.deepEqual([...order].sort((x, y) => x - y), [rA1.id, rA2.id, rB1.id].sort((x, y) => x - y));
    const draw = await api.get(`/events/${event.id}/competition/items/${item1.id}/draw`);
    assert.deepEqual(draw.order.map((o) => o.registration_id), order, 'the page shows the recorded order');
    assert.match(await staff.textContent('.draw-seed'), /^[0-9a-f]{32}$/);
    assert.equal(await staff.textContent('.draw-seed'), draw.seed);
    assert.equal(await staff.textContent('.draw-algorithm'), 'fisher-yates/blake2b-256/v1');
    assert.match(await staff.textContent('.draw-no-shows'), /李四海/);
    assert.equal(await staff.locator('[data-action=redraw]').count(), 1, 'an admin sees the redraw button');
    await shot(staff, 'competition-staff-draw');

    // The board: now competing and next up in the drawn order, names masked; all tied at 0.
    await board.waitForFunction((name) => document.querySelector('[data-slot=now] .c-slot-name')?.textContent === name, masked[order[0]]);
    assert.equal(await slotName(board, 'next'), masked[order[1]]);
    assert.match(await board.textContent('[data-slot=now] .c-slot-item'), /导尿术/);
    // The draw on the board: exactly the drawn competitors, in the drawn order, masked; the
    // first on; the missing one nowhere; the seed's first 8 hex digits.
    await waitDraw(board, expectedDraw(draw, [], 1), 'the board lists the draw of item 1');
    assert.deepEqual((await boardDraw(board)).map((r) => r.name), order.map((id) => masked[id]));
    assert.equal(await board.getAttribute('.c-draw', 'data-item'), '导尿术');
    assert.equal(await board.textContent('.c-draw-item'), '导尿术');
    assert.equal(await board.textContent('.c-draw-count'), '共 3 人');
    assert.doesNotMatch(await board.textContent('.c-draw'), /李|四海/, 'the missing competitor is not on the board');
    assert.equal(await board.isVisible('.c-draw-range'), false, 'a short order is shown whole');
    await assertSeed(board, draw.seed);

    // ── Two judges, two tablets. ──
    const j1 = await judgeTablet(browser, judges[0], event.id, item1.id);
    const j2 = await judgeTablet(browser, judges[1], event.id, item1.id);
    assert.equal(await j1.page.locator('.j-row').count(), 3);
    assert.equal(await j1.page.textContent(`.j-row[data-reg-id="${order[0]}"] .j-name`), masked[order[0]], 'judges see masked names');
    assert.ok(await j1.page.isVisible(`.j-row.is-now[data-reg-id="${order[0]}"]`), 'now competing is highlighted');

    // Client-side checks against the item's maximum and two decimals.
    await j1.page.click(`.j-row[data-reg-id="${order[0]}"] .j-row-btn`);
    await j1.page.fill('#score-input', '120');
    await j1.page.click('[data-action=submit-score]');
    assert.match(await j1.page.textContent('.j-msg'), /不能超过满分 100\.00/);
    await j1.page.fill('#score-input', '85.555');
    await j1.page.click('[data-action=submit-score]');
    assert.match(await j1.page.textContent('.j-msg'), /两位小数/);
    // The keypad types into the same field.
    await j1.page.fill('#score-input', '');
    for (const k of ['8', '5', '.', '5', '5', '5']) await j1.page.tap(`.j-key[data-key="${k}"]`);
    assert.equal(await j1.page.inputValue('#score-input'), '85.55', 'the keypad stops at two decimals');

    const first = { [rA1.id]: 90, [rA2.id]: 80, [rB1.id]: 85 };
    const second = { [rA1.id]: 86, [rA2.id]: 84.5, [rB1.id]: 87 };
    // Judge 1's first score: the request is lost once and sent again with the same nonce.
    const posts = [];
    await j1.page.route('**/competition/scores', (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts.push(route.request().postDataJSON());
      return posts.length === 1 ? route.abort('failed') : route.continue();
    });
    await score(j1.page, order[0], first[order[0]]);
    await j1.page.unroute('**/competition/scores');
    assert.ok(posts.length >= 2, 'the lost request was retried');
    assert.equal(posts[1].nonce, posts[0].nonce, 'with the same nonce');
    for (const r of order.slice(1)) await score(j1.page, r, first[r]);
    assert.match(await j1.page.textContent('.j-order-note'), /我已评 3 人/);

    // Judge 1's scores are on the board at once (one of two judges: provisional means).
    const ranked = (figures) => Object.entries(figures).sort((x, y) => y[1] - x[1]).map(([id, v], i) => ({ rank: i + 1, name: masked[id], total: v.toFixed(2) }));
    await waitBoard(board, ranked(first), 'the ranking after judge 1');
    assert.equal(await slotName(board, 'now'), masked[order[0]], 'still waiting for the second judge');
    await waitDraw(board, expectedDraw(draw, [], 1), 'one of two judges: nobody done yet');

    // Judge 2 scores the first in order: now competing moves on, live.
    await score(j2.page, order[0], second[order[0]]);
    await board.waitForFunction((name) => document.querySelector('[data-slot=now] .c-slot-name')?.textContent === name, masked[order[1]]);
    assert.equal(await slotName(board, 'next'), masked[order[2]]);
    await waitDraw(board, expectedDraw(draw, [1], 2), 'the first done (ticked), the second on');
    assert.equal(await board.textContent('.c-draw-row[data-position="1"] .c-draw-mark'), '✓');
    assert.equal(await board.textContent('.c-draw-row[data-current=yes] .c-draw-name'), masked[order[1]]);
    await pause(700);
    await shot(board, 'competition-board-live');
    await j2.page.waitForSelector(`.j-row.is-now[data-reg-id="${order[1]}"]`);
    await shot(j2.page, 'competition-judge-tablet');
    for (const r of order.slice(1)) await score(j2.page, r, second[r]);
    const item1Means = { [rA1.id]: 88, [rA2.id]: 82.25, [rB1.id]: 86 };
    await waitBoard(board, ranked(item1Means), 'the ranking after both judges');
    // Nobody on: the board keeps the item drawn last, every competitor ticked.
    await waitDraw(board, expectedDraw(draw, [1, 2, 3], null), 'item 1 all done');

    // Item 2 (one judge): drawn and scored by staff through the API (staff may judge).
    await api.post(`/events/${event.id}/competition/items/${item2.id}/draw`, {});
    const draw2 = await api.get(`/events/${event.id}/competition/items/${item2.id}/draw`);
    await waitDraw(board, expectedDraw(draw2, [], 1), 'the board moves to the draw of item 2');
    assert.equal(await board.textContent('.c-draw-item'), '换药');
    await assertSeed(board, draw2.seed);
    const item2Scores = { [rA1.id]: 40, [rA2.id]: 42, [rB1.id]: 45 };
    for (const [id, v] of Object.entries(item2Scores)) {
      await api.post(`/events/${event.id}/competition/scores`, { item_id: item2.id, registration_id: Number(id), score: v, nonce: `comp-${tag}-i2-${id}` });
    }
    // B1 131.00, A1 128.00, A2 124.25; every competitor complete; units A 252.25, B 131.00.
    await waitBoard(board, [
      { rank: 1, name: masked[rB1.id], total: '131.00' }, { rank: 2, name: masked[rA1.id], total: '128.00' }, { rank: 3, name: masked[rA2.id], total: '124.25' },
    ], 'the ranking over both items');
    assert.deepEqual((await boardRanking(board)).map((r) => r.complete), [true, true, true]);
    assert.deepEqual(await board.$$eval('.c-units .c-row', (rs) => rs.map((r) => [r.dataset.rank, r.dataset.unit, r.querySelector('.c-total').textContent])),
      [['1', unitA.name, '252.25'], ['2', unitB.name, '131.00']]);
    assert.equal(await board.textContent('.c-badge'), '暂定成绩', 'provisional until published');
    await board.waitForFunction(() => document.querySelector('[data-slot=now]')?.dataset.empty === 'yes');
    await waitDraw(board, expectedDraw(draw2, [1, 2, 3], null), 'nobody on: the item drawn last, all done');
    await assertSeed(board, draw2.seed);
    await pause(700);  // rows that moved finish sliding
    await shot(board, 'competition-board-provisional');

    // ── A correction needs a reason; it changes the ranking. ──
    await j2.page.click(`.j-row[data-reg-id="${rA2.id}"] .j-row-btn`);
    assert.equal(await j2.page.isDisabled('#score-input'), true, 'a given score is locked until corrected');
    await j2.page.click('[data-action=correct]');
    await j2.page.fill('#score-input', '96.5');
    await j2.page.click('[data-action=submit-score]');
    assert.match(await j2.page.textContent('.j-msg'), /必须填写原因/);
    await j2.page.fill('#score-reason', '录入错误，按评分表更正');
    const [corr] = await Promise.all([
      j2.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/competition/scores')),
      j2.page.click('[data-action=submit-score]'),
    ]);
    assert.equal(corr.postDataJSON().reason, '录入错误，按评分表更正');
    await j2.page.waitForSelector(`.j-row[data-reg-id="${rA2.id}"] [data-corrected=yes]`);
    assert.equal(await j2.page.getAttribute(`.j-row[data-reg-id="${rA2.id}"] .j-my-score`, 'data-value'), '96.5');
    // A2: item 1 (80 + 96.5) / 2 = 88.25, total 130.25: up from third to second.
    await waitBoard(board, [
      { rank: 1, name: masked[rB1.id], total: '131.00' }, { rank: 2, name: masked[rA2.id], total: '130.25' }, { rank: 3, name: masked[rA1.id], total: '128.00' },
    ], 'the ranking after the correction');
    const live = await api.get(`/events/${event.id}/competition/scores?item_id=${item1.id}`);
    assert.equal(live.items.length, 6, 'six live scores: the corrected one replaced, not added');

    // ── The admin publishes in the staff app. ──
    await staff.goto(`${baseUrl()}/#/events/${event.id}/competition/results`);
    await staff.waitForSelector('.results-individuals tbody tr');
    assert.deepEqual(await staff.$$eval('.results-individuals tbody tr', (trs) => trs.map((tr) => [tr.querySelector('.rank').textContent, tr.querySelector('.name').textContent, tr.querySelector('.total').textContent])),
      [['1', '孙三立', '131.00'], ['2', '钱二宝', '130.25'], ['3', '赵一鸣', '128.00']], 'staff see whole names');
    assert.equal(await staff.getAttribute('.results-actions [data-published]', 'data-published'), 'no');
    await staff.click('[data-action=publish]');
    await staff.click('dialog.confirm button[value=ok]');
    await staff.waitForSelector('.results-actions [data-published=yes]');
    assert.ok((await api.get(`/events/${event.id}/competition/results`)).published);

    // The board: final, same ranking.
    await board.waitForSelector('.c-badge[data-published=yes]');
    assert.equal(await board.textContent('.c-badge'), '最终成绩');
    assert.deepEqual((await boardRanking(board)).map((r) => [r.rank, r.name, r.total]), [[1, '孙*立', '131.00'], [2, '钱*宝', '130.25'], [3, '赵*鸣', '128.00']]);
    await pause(700);
    await shot(board, 'competition-board-final');

    // A judge can no longer score or correct.
    await j1.page.waitForSelector('.j-status[data-state=published]');
    await j1.page.click(`.j-row[data-reg-id="${rA1.id}"] .j-row-btn`);
    assert.equal(await j1.page.isVisible('[data-action=correct]'), false);
    assert.match(await j1.page.textContent('.j-msg'), /成绩已发布/);

    // ── The results sheet for the ceremony, printed on A4; and the CSV. ──
    await staff.click('[data-action=print-results]');
    await staff.waitForSelector('.results-paper[data-published=yes]');
    assert.equal(await staff.textContent('.rp-title'), '最终成绩');
    await staff.setViewportSize({ width: 794, height: 1123 });  // A4 at 96 dpi
    await staff.emulateMedia({ media: 'print' });
    assert.equal(await staff.isVisible('.topbar'), false, 'the app chrome is not printed');
    assert.equal(await staff.isVisible('.print-toolbar'), false);
    const pdf = await staff.pdf({ format: 'A4' });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    await shot(staff, 'competition-results-print');
    await staff.emulateMedia({ media: 'screen' });
    const csv = await staff.request.get(`${baseUrl()}/api/v1/events/${event.id}/competition/results.csv`);
    assert.equal(csv.status(), 200);
    const text = (await csv.body()).toString('utf8');
    assert.match(text, /孙三立.*131\.00/);
    assert.match(text, /最终/);

    // ── A 40-competitor item: the draw shows a window around the one on, and it and a full
    // ranking (top 10) both stay inside the 1920×1080 screen. ──
    const big = await api.post('/events', {
      title: `心肺复苏技能竞赛·测试 ${tag}`, kind: 'competition', venue: '技能中心', starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3), capacity: null,
    });
    const family = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
    const given = ['晓明', '建华', '丽娟', '志强'];
    const bigRegs = [];
    for (let i = 0; i < 40; i += 1) {
      const name = i === 7 ? '欧阳晓明' : i === 13 ? `${family[i % 10]}静` : `${family[i % 10]}${given[Math.floor(i / 10)]}`;
      bigRegs.push(await api.post(`/events/${big.id}/registrations`, { name, phone: testPhone(), unit_id: (i % 2 ? unitA : unitB).id }));
    }
    for (const r of bigRegs) await api.post('/checkins', { registration_id: r.id, nonce: `comp-${tag}-big-${r.id}` });
    const bigComp = await api.call('PUT', `/events/${big.id}/competition`, { scoring_rule: 'mean', unit_rule: 'sum', items: [{ name: '单人心肺复苏', max_score: 100, judges: 1 }] });
    const bigItem = bigComp.items[0];
    await api.post(`/events/${big.id}/competition/items/${bigItem.id}/draw`, {});
    const bigDraw = await api.get(`/events/${big.id}/competition/items/${bigItem.id}/draw`);
    assert.equal(bigDraw.order.length, 40);
    const scoreBig = async (o) => api.post(`/events/${big.id}/competition/scores`, { item_id: bigItem.id, registration_id: o.registration_id, score: 60 + (o.position % 37), nonce: `comp-${tag}-big-s-${o.position}` });
    for (const o of bigDraw.order.slice(0, 20)) await scoreBig(o);

    const bigBoard = await boardCtx.newPage();
    await bigBoard.goto(`${baseUrl()}/board?screen=competition&event=${big.id}`);
    await bigBoard.waitForSelector(`.b-body-comp[data-event-id="${big.id}"] .c-draw[data-count="40"]`);
    // 20 done, the 21st on: 16 rows from position 19 (the last two done stay in sight).
    const done20 = bigDraw.order.slice(0, 20).map((o) => o.position);
    await waitDraw(bigBoard, expectedDraw(bigDraw, done20, 21).slice(18, 34), 'a long order shows 16 rows around the one on');
    assert.equal(await bigBoard.textContent('.c-draw-range'), '第 19–34 位 · 共 40 人');
    assert.equal(await bigBoard.textContent('.c-draw-count'), '共 40 人');
    assert.equal(await slotName(bigBoard, 'now'), mask(bigDraw.order[20].name));
    await assertSeed(bigBoard, bigDraw.seed);
    await bigBoard.waitForFunction(() => document.querySelectorAll('.c-ranking .c-row').length === 10);
    // Everything inside the screen and inside its own panel: the ranking, the draw, the seed.
    const boxes = await bigBoard.evaluate(() => {
      const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
      return {
        main: box(document.querySelector('.c-main')), rows: [...document.querySelectorAll('.c-ranking .c-row')].map(box),
        draw: box(document.querySelector('.c-draw')), drawRows: [...document.querySelectorAll('.c-draw-row')].map(box),
        seed: box(document.querySelector('.c-draw-seed')), side: box(document.querySelector('.c-side')),
      };
    });
    const inside = (b, outer) => b.top >= outer.top - 0.5 && b.bottom <= outer.bottom + 0.5 && b.left >= outer.left - 0.5 && b.right <= outer.right + 0.5;
    const screen = { top: 0, bottom: 1080, left: 0, right: 1920 };
    for (const b of [boxes.main, boxes.draw, boxes.side]) assert.ok(inside(b, screen), `a panel leaves the screen: ${JSON.stringify(b)}`);
    boxes.rows.forEach((b, i) => assert.ok(inside(b, boxes.main), `ranking row ${i + 1} is cut off: ${JSON.stringify(b)} in ${JSON.stringify(boxes.main)}`));
    boxes.drawRows.forEach((b, i) => assert.ok(inside(b, boxes.draw), `draw row ${i + 1} is cut off`));
    assert.ok(inside(boxes.seed, boxes.draw), 'the seed line is inside the draw panel');
    assert.ok(boxes.drawRows.at(-1).bottom <= boxes.seed.top, 'the rows do not cover the seed');
    assert.ok(boxes.draw.right <= boxes.side.left && boxes.main.right <= boxes.draw.left, 'the three columns do not overlap');
    await pause(700);
    await shot(bigBoard, 'competition-board-draw-40');

    // All scored, nobody on: the long order turns its pages (1–16, then 17–32).
    for (const o of bigDraw.order.slice(20)) await scoreBig(o);
    const all40 = bigDraw.order.map((o) => o.position);
    await bigBoard.waitForFunction(() => document.querySelector('[data-slot=now]')?.dataset.empty === 'yes');
    await waitDraw(bigBoard, expectedDraw(bigDraw, all40, null).slice(0, 16), 'nobody on: the first page');
    await bigBoard.waitForSelector('.c-draw[data-start="16"]', { timeout: 12000 });
    await waitDraw(bigBoard, expectedDraw(bigDraw, all40, null).slice(16, 32), 'the next page');
    assert.equal(await bigBoard.textContent('.c-draw-range'), '第 17–32 位 · 共 40 人');

    for (const ctx of [staffCtx, boardCtx, j1.ctx, j2.ctx]) assert.deepEqual(ctx.pageErrors, []);
  } finally {
    await browser.close();
  }
});
