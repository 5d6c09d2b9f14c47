// The public's own sign-up on a phone (390×844): the open events → the form with the
// personal-information notice and the real ALTCHA widget solving its proof of work → the
// ticket with its QR code (decoded here) → a second person waitlisted → "find my ticket" →
// cancel → the waitlisted person is promoted (checked on the admin API too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, Api, testPhone } from './support/harness.mjs';

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Reads the ticket's QR code in the page, with the kiosk camera's own decoder (ZXing). The
// server's SVG has a white background and quiet zone of its own: drawn as it is.
async function decodeQr(page) {
  return page.evaluate(async () => {
    const { decodeCanvas } = await import('/web/kiosk/camera.js');
    const img = document.querySelector('img.p-qr');
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: 400, height: 400 });
    canvas.getContext('2d').drawImage(img, 0, 0, 400, 400);
    return decodeCanvas(canvas);
  });
}

async function signUp(page, eventId, name, number) {
  await page.goto(`${baseUrl()}/s/`);
  await page.click(`article[data-event-id="${eventId}"] a[data-action=sign-up]`);
  await page.waitForSelector('form altcha-widget');
  await page.fill('#p-name', name);
  await page.fill('#p-phone', number);
  await page.fill('#p-organization', '盈浦街道南门社区');
  await page.check('#p-consent');
  // The widget fetches this server's challenge and solves it in a worker (no internet).
  await page.waitForSelector('altcha-widget[data-state=verified]', { timeout: 90000 });
}

test('public sign-up on a phone: ticket QR, find it again, cancel, the waitlist moves up', { timeout: 240000 }, async () => {
  const api = await new Api().login();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const event = await api.post('/events', {
    title: '名医义诊进社区（公众报名）', kind: 'clinic', venue: '盈浦街道社区卫生服务中心',
    starts_at: iso(Date.now() + 86400e3), ends_at: iso(Date.now() + 90000e3), capacity: 1, waitlist: true,
    public_signup: true, public_requires: ['organization'],
  });
  assert.equal(event.public_signup, true);

  const browser = await launch();
  try {
    const context = await newContext(browser, phone);
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/s/`);
    const card = page.locator(`article[data-event-id="${event.id}"]`);
    await card.waitFor();
    assert.match(await card.textContent(), /剩余 1 个名额/);
    await shot(page, 'public-signup-1-events');

    // The first person: the form, the notice, the check; submitted without consent first.
    const first = { name: '陈秀英', phone: testPhone() };
    await signUp(page, event.id, first.name, first.phone);
    await page.uncheck('#p-consent');
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-error-for=consent]:not(:empty)');
    await page.check('#p-consent');
    await shot(page, 'public-signup-2-form');
    await page.click('form button[type=submit]');
    const ticket = page.locator('article.p-ticket[data-status=confirmed]');
    await ticket.waitFor();
    const code = await ticket.getAttribute('data-ticket');
    assert.match(code, /^[0-9A-Z]{26}$/);
    assert.match(await ticket.textContent(), /陈\*英/);
    assert.match(await ticket.textContent(), /长按保存或截图/);
    assert.doesNotMatch(await page.textContent('#app'), /\bnull\b|undefined/);
    assert.equal(await decodeQr(page), code, 'the QR code on the phone carries the ticket code');
    await shot(page, 'public-signup-3-ticket');

    // A second person, in a fresh phone of their own: the event is full, so the waitlist.
    const other = await newContext(browser, phone);
    const page2 = await other.newPage();
    const second = { name: '王德伟', phone: testPhone() };
    await signUp(page2, event.id, second.name, second.phone);
    await page2.click('form button[type=submit]');
    const waiting = page2.locator('article.p-ticket[data-status=waitlisted]');
    await waiting.waitFor();
    assert.match(await waiting.textContent(), /候补第 1 位/);
    const code2 = await waiting.getAttribute('data-ticket');
    await shot(page2, 'public-signup-4-waitlisted');

    // The first person finds the ticket again by phone and full name.
    await page.goto(`${baseUrl()}/s/#/find`);
    await page.fill('#f-phone', first.phone);
    await page.fill('#f-name', '陈秀');
    await page.click('form button[type=submit]');
    await page.waitForSelector('.p-results .alert-warn');
    await page.fill('#f-name', first.name);
    await page.click('form button[type=submit]');
    const found = page.locator(`.p-results article[data-ticket="${code}"]`);
    await found.waitFor();
    assert.equal(await decodeQr(page), code);
    await shot(page, 'public-signup-5-found');

    // Cancel, asked twice; the ticket shows cancelled.
    await found.locator('a.btn').click();
    await page.click('button[data-action=cancel]');
    await page.waitForSelector('.p-confirm');
    await shot(page, 'public-signup-6-confirm-cancel');
    await page.click('button[data-action=cancel-yes]');
    await page.waitForSelector('article.p-ticket[data-status=cancelled]');
    await shot(page, 'public-signup-7-cancelled');

    // The waitlisted person is promoted: on their ticket page and on the admin API.
    await page2.click('button[data-action=refresh]');
    await page2.waitForSelector('article.p-ticket[data-status=confirmed]');
    assert.match(await page2.locator('article.p-ticket').textContent(), /已由候补转为正式报名/);
    await shot(page2, 'public-signup-8-promoted');
    const list = await api.get(`/events/${event.id}/registrations`);
    const byCode = Object.fromEntries(list.items.map((r) => [r.code, r]));
    assert.equal(byCode[code].status, 'cancelled');
    assert.equal(byCode[code2].status, 'confirmed');
    assert.equal(byCode[code2].source, 'public');
    assert.equal(byCode[code2].organization, '盈浦街道南门社区');

    assert.deepEqual([...context.pageErrors, ...other.pageErrors], []);
  } finally {
    await browser.close();
  }
});
