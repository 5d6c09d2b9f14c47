// The board's second screen: the conference's units ranked by attendance (checked in of
// expected), moving live as people check in. No person is named on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, Api, testPhone } from './support/harness.mjs';

test('board units screen: the ranking follows check-ins', async () => {
  const api = await new Api().login();
  const tag = String(Date.now() % 1000000);
  const unit = (name, kind) => api.post('/units', { name: `${name}${tag}`, kind });
  const north = await unit('北片社区卫生服务中心', 'community');
  const south = await unit('南片示范医院', 'hospital');
  const { event, regs } = await api.eventWithPeople(`单位排名测试大会 ${tag}`, [
    { name: '甲一', phone: testPhone(), unit_id: north.id },
    { name: '甲二', phone: testPhone(), unit_id: north.id },
    { name: '乙一', phone: testPhone(), unit_id: south.id },
    { name: '乙二', phone: testPhone(), unit_id: south.id },
  ]);
  await api.call('PUT', `/events/${event.id}/quotas`, { items: [{ unit_id: north.id, expected: 2 }, { unit_id: south.id, expected: 4 }] });
  const checkIn = (r, n) => api.post('/checkins', { registration_id: r.id, nonce: `rank-${tag}-${n}` });
  await checkIn(regs[2], 1);  // the hospital first: 1 of 4

  const browser = await launch();
  try {
    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const board = await context.newPage();
    await board.goto(`${baseUrl()}/board?screen=units&event=${event.id}`);
    await board.waitForSelector('.stage[data-state=live][data-screen=units]');
    await board.waitForSelector('.u-row');
    const order = () => board.$$eval('.u-row', (rows) => rows.map((r) => Number(r.dataset.unitId)));
    const rowOf = (u) => board.locator(`.u-row[data-unit-id="${u.id}"]`);
    assert.equal(await board.textContent('.u-event'), event.title);
    assert.deepEqual(await order(), [south.id, north.id], '25% ranks above 0%');
    assert.equal(await rowOf(south).locator('[data-field=checked_in]').getAttribute('data-value'), '1');
    assert.equal(await rowOf(south).locator('[data-field=expected]').textContent(), '4');
    assert.equal(await rowOf(south).locator('[data-field=rate]').textContent(), '25.0%');

    // Two check-ins for the health centre: 1 of 2 (50%) already overtakes 1 of 4 (25%).
    const northAt = (n) => board.waitForFunction(([id, v]) => document.querySelector(`.u-row[data-unit-id="${id}"] [data-field=checked_in]`)?.dataset.value === v, [north.id, n], { timeout: 3000 });
    await checkIn(regs[0], 2);
    await northAt('1');
    assert.deepEqual(await order(), [north.id, south.id]);
    assert.equal(await rowOf(north).locator('[data-field=rate]').textContent(), '50.0%');
    await checkIn(regs[1], 3);
    await northAt('2');
    assert.deepEqual(await order(), [north.id, south.id]);
    assert.equal(await rowOf(north).getAttribute('data-rank'), '1');
    assert.equal(await rowOf(north).locator('[data-field=rate]').textContent(), '100%');
    await board.waitForFunction(() => document.querySelector('.u-total-present').dataset.value === '3');
    assert.equal(await board.textContent('.u-total-rate'), '50.0%', '3 of 6 expected');
    assert.doesNotMatch(await board.textContent('.u-panel'), /甲一|甲二|乙一/, 'no names on the ranking');
    await board.waitForTimeout(600);
    await shot(board, 'board-units-1920x1080');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
