// The public board (/s/board, issue 13): the programme's live figures for an audience, on a
// phone and on a big screen. It shows today's events and their totals, never a person; it
// polls GET /api/v1/board/public with the ETag (unchanged polls are 304) and a check-in made
// through the API moves the number within a couple of seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, Api, OwnServer, testPhone } from './support/harness.mjs';

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('public board: totals and events without a person, live from polls, phone and big screen', async () => {
  const own = new OwnServer();
  await own.start();
  const browser = await launch();
  try {
    const api = await new Api(own.url).login(own.admin);
    const names = ['王建国', '刘春玲', '欧阳晓明', '赵海', '陈丽华', '周德伟'];
    const people = names.map((name) => ({ name, phone: testPhone() }));
    const { event: a, regs: ra } = await api.eventWithPeople('中国医师节庆祝大会', people.slice(0, 3), { capacity: 300 });
    const { event: b, regs: rb } = await api.eventWithPeople('名医面对面义诊', people.slice(3, 5), { kind: 'clinic', services: ['血压测量', '血糖检测'] });
    const now = Date.now();
    await api.eventWithPeople('上周的健康讲座', people.slice(5), { kind: 'lecture', starts_at: iso(now - 7 * 86400e3), ends_at: iso(now - 7 * 86400e3 + 3600e3) });
    let nonce = 0;
    const checkIn = (r) => api.post('/checkins', { registration_id: r.id, nonce: `public-board-${now}-${nonce += 1}` });
    await checkIn(ra[0]);
    await checkIn(rb[0]);
    for (const service of ['血压测量', '血压测量', '血糖检测']) {
      await api.post(`/events/${b.id}/tallies`, { service, site: '', nonce: `public-board-tally-${now}-${nonce += 1}` });
    }

    // A phone in the hall.
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    const elsewhere = [];
    page.on('request', (r) => { if (!r.url().startsWith(own.url)) elsewhere.push(r.url()); });
    const total = (key) => page.getAttribute(`[data-total="${key}"]`, 'data-value');
    await page.goto(`${own.url}/s/board`);
    await page.waitForSelector('.pb-root[data-state=live]');
    await page.waitForFunction(() => document.querySelectorAll('.pb-card').length === 2);
    assert.deepEqual(await page.$$eval('.pb-card', (els) => els.map((e) => Number(e.dataset.eventId))), [a.id, b.id]);
    assert.equal(await total('checked_in'), '2');
    assert.equal(await total('registered'), '5');
    assert.equal(await total('served'), '3');
    assert.equal(await page.textContent('[data-total="rate"]'), '40.0%');
    assert.equal(await page.getAttribute('.pb-bars', 'data-total'), '2');
    const text = await page.textContent('body');
    for (const p of people) {
      assert.ok(!text.includes(p.name), `${p.name} is not on the page`);
      assert.ok(!text.includes(p.name[0] + '*'), `no masked name of ${p.name}`);
      assert.ok(!text.includes(p.phone) && !text.includes(`${p.phone.slice(0, 3)}****`), `no phone ${p.phone}`);
    }

    // Nothing changes: the polls come back 304 and the figures stay.
    await page.waitForFunction(() => Number(document.querySelector('.pb-root').dataset.unchanged) >= 2, null, { timeout: 8000 });
    const before = await page.getAttribute('.pb-root', 'data-generated-at');

    // A check-in through the API: the number moves within a couple of seconds.
    const started = Date.now();
    await checkIn(ra[1]);
    await page.waitForFunction(() => document.querySelector('[data-total="checked_in"]').dataset.value === '3', null, { timeout: 5000 });
    const took = Date.now() - started;
    assert.ok(took < 4000, `shown after ${took} ms`);
    assert.equal(await page.getAttribute(`.pb-card[data-event-id="${a.id}"] [data-field="checked_in"]`, 'data-value'), '2');
    assert.notEqual(await page.getAttribute('.pb-root', 'data-generated-at'), before);
    await page.waitForFunction(() => document.querySelector('.pb-bars').dataset.total === '3');
    await page.waitForTimeout(400);  // the counters' roll settles
    await shot(page, 'public-board-phone');

    // English on request.
    await page.click('.pb-lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.match(await page.textContent('.pb-hero'), /Checked in/);
    assert.match(await page.textContent('.pb-note'), /no personal information/);
    await page.click('.pb-lang');

    // The big screen at the venue.
    const wall = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const screen = await wall.newPage();
    screen.on('request', (r) => { if (!r.url().startsWith(own.url)) elsewhere.push(r.url()); });
    await screen.goto(`${own.url}/s/board`);
    await screen.waitForSelector('.pb-root[data-state=live]');
    await screen.waitForFunction(() => document.querySelector('[data-total="checked_in"]').dataset.value === '3');
    await screen.waitForTimeout(400);
    await shot(screen, 'public-board-screen');

    assert.deepEqual(elsewhere, [], 'nothing is fetched from outside the server');
    assert.deepEqual(phone.pageErrors, []);
    assert.deepEqual(wall.pageErrors, []);
  } finally {
    await browser.close();
    await own.dispose();
  }
});
