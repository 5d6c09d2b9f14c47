// The free-clinic desk and the big screen together: a staff member at a desk picks the
// site, taps services, sees each count move at once, undoes the last tap, and the board's
// clinic panel (per service, per site, people served) follows within a second or two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, admin, Api } from './support/harness.mjs';

const SERVICES = ['血压测量', '血糖检测', '健康咨询', '用药指导', '复诊配药'];

test('desk: taps move the desk counts and the board clinic panel; undo takes one back', async () => {
  const api = await new Api().login();
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const event = await api.post('/events', {
    title: `名医面对面义诊·测试点 ${now % 100000}`, kind: 'clinic', venue: '社区卫生服务中心门前广场',
    starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3), capacity: null, walk_ins: true,
    services: SERVICES, sites: ['东区', '西区'],
  });
  assert.deepEqual(event.services, SERVICES);

  const browser = await launch();
  try {
    const boardCtx = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const board = await boardCtx.newPage();
    await board.goto(`${baseUrl()}/board?clinic=${event.id}`);
    await board.waitForSelector('.stage[data-state=live]');
    const block = board.locator(`.b-clinic-event[data-event-id="${event.id}"]`);
    await block.waitFor();
    const servedBefore = Number(await board.getAttribute('.b-clinic-total', 'data-value'));
    const boardValue = (sel) => block.locator(sel).getAttribute('data-value');
    assert.equal(await boardValue('[data-field=served]'), '0');

    // A staff member signs in on the tablet and opens the desk for this event.
    const deskCtx = await newContext(browser, { viewport: { width: 1024, height: 768 }, hasTouch: true });
    const desk = await deskCtx.newPage();
    await desk.goto(`${baseUrl()}/desk`);
    await desk.waitForSelector('.d-message a[href^="/?next="]');  // not signed in: asked to
    await desk.click('.d-message a[href^="/?next="]');
    await desk.fill('#f-username', admin().username);
    await desk.fill('#f-password', admin().password);
    await desk.click('button[type=submit]');
    await desk.waitForURL(/\/desk$/);
    await desk.goto(`${baseUrl()}/desk?event=${event.id}`);
    await desk.click('.d-site-item[data-site="东区"]');
    await desk.waitForSelector('[data-screen=pad]');
    assert.equal(await desk.locator('.d-svc').count(), SERVICES.length, 'one button per service');
    assert.match(await desk.textContent('.d-event-meta'), /东区/);

    const deskCount = (service) => desk.locator(`.d-svc-count[data-count="${service}"]`).getAttribute('data-value');
    for (const service of ['血压测量', '血压测量', '血压测量', '血糖检测', '健康咨询']) {
      await desk.tap(`.d-svc[data-service="${service}"]`);
    }
    assert.equal(await deskCount('血压测量'), '3', 'the desk counts at once');
    assert.equal(await deskCount('血糖检测'), '1');
    await desk.waitForSelector('.d-queue[data-count="0"]', { state: 'attached' });
    assert.equal(await desk.getAttribute('[data-total=site]', 'data-value'), '5');
    assert.match(await desk.textContent('.d-status'), /已记录：健康咨询/);

    // The board follows: per service, per site, the event's people served and the total.
    await board.waitForFunction(({ id }) => document.querySelector(`.b-clinic-event[data-event-id="${id}"] [data-field=served]`)?.dataset.value === '5', { id: event.id }, { timeout: 3000 });
    assert.equal(await boardValue('li[data-service="血压测量"] .b-clinic-n'), '3');
    assert.equal(await boardValue('li[data-service="血糖检测"] .b-clinic-n'), '1');
    assert.equal(await boardValue('li[data-site="东区"] .b-clinic-n'), '5');
    assert.equal(await boardValue('li[data-site="西区"] .b-clinic-n'), '0');
    await board.waitForFunction((n) => document.querySelector('.b-clinic-total').dataset.value === String(n), servedBefore + 5);
    assert.match(await board.textContent(`.b-card[data-event-id="${event.id}"] [data-field=served]`), /服务 5 人次/);

    // Undo the last tap (健康咨询): the desk and the board take it back.
    await desk.tap('[data-action=undo]');
    assert.equal(await deskCount('健康咨询'), '0');
    assert.match(await desk.textContent('.d-status'), /已撤销：健康咨询/);
    await board.waitForFunction(({ id }) => document.querySelector(`.b-clinic-event[data-event-id="${id}"] [data-field=served]`)?.dataset.value === '4', { id: event.id }, { timeout: 3000 });
    assert.equal(await boardValue('li[data-service="健康咨询"] .b-clinic-n'), '0');
    await desk.tap('.d-svc[data-service="用药指导"]');
    await board.waitForFunction(({ id }) => document.querySelector(`.b-clinic-event[data-event-id="${id}"] [data-field=served]`)?.dataset.value === '5', { id: event.id }, { timeout: 3000 });

    const counts = await api.get(`/events/${event.id}/tallies`);
    assert.equal(counts.served, 5);
    const east = Object.fromEntries(counts.by_site.find((b) => b.site === '东区').services.map((s) => [s.name, s.served]));
    assert.deepEqual(east, { 血压测量: 3, 血糖检测: 1, 健康咨询: 0, 用药指导: 1, 复诊配药: 0 });
    assert.equal(counts.by_site.find((b) => b.site === '西区').services.reduce((n, s) => n + s.served, 0), 0);

    await desk.waitForTimeout(700);  // let the bump finish for the picture
    await shot(desk, 'desk-tablet-1024x768');
    await board.waitForTimeout(500);
    await shot(board, 'board-clinic-1920x1080');

    // The page holds no personal data: only service names and counts.
    assert.doesNotMatch(await desk.textContent('body'), /1[3-9]\d{9}/);
    assert.deepEqual([...deskCtx.pageErrors, ...boardCtx.pageErrors], []);
  } finally {
    await browser.close();
  }
});
