// A registration's life on the staff app: full event → the next person is waitlisted and
// told their place; check in at the desk, undo it, cancel, and the waitlist moves up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, admin, Api, testPhone } from './support/harness.mjs';

test('staff: waitlist shown plainly; check in, undo, cancel promotes the waitlist', async () => {
  const api = await new Api().login();
  const { event, regs } = await api.eventWithPeople('心理减压沙龙（小班）', [
    { name: '沈佳颖', phone: testPhone(), organization: '区卫生健康委机关', category: 'doctor' },
  ], { kind: 'salon', capacity: 1, waitlist: true });

  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/#/events/${event.id}/register`);
    await page.fill('#f-username', admin().username);
    await page.fill('#f-password', admin().password);
    await page.click('button[type=submit]');

    // The event is full: the form says so, and the next person is waitlisted, first in line.
    await page.waitForSelector('form[data-form=register] .alert-warn');
    await page.fill('#f-name', '韩思远');
    await page.fill('#f-phone', testPhone());
    await page.click('form[data-form=register] button[type=submit]');
    const card = page.locator('.result-card[data-status=waitlisted]');
    await card.waitFor();
    assert.match(await card.textContent(), /候补第 1 位/);
    await shot(page, 'staff-10-waitlisted');

    await page.click('.tabs a[href$="/waitlist"]');
    await page.waitForSelector('.table tbody tr:has-text("韩思远")');
    await shot(page, 'staff-11-waitlist');

    // The confirmed one: check in at the desk, then undo it.
    await page.goto(`${baseUrl()}/#/registrations/${regs[0].id}`);
    await page.click('button[data-action=checkin]');
    await page.waitForSelector('.reg-status-line .badge-checked');
    assert.equal(await page.isDisabled('button[data-action=cancel]'), true, 'a checked-in registration cannot be cancelled');
    await page.click('button[data-action=undo]');
    await page.click('dialog.confirm button[value=ok]');
    await page.waitForSelector('button[data-action=checkin]');
    await shot(page, 'staff-12-undone');

    // Cancel it: the waitlisted person is promoted.
    await page.click('button[data-action=cancel]');
    await page.click('dialog.confirm button[value=ok]');
    await page.waitForSelector('.reg-status-line .badge-cancelled');
    const after = await api.get(`/events/${event.id}/registrations?q=${encodeURIComponent('韩思远')}`);
    assert.equal(after.items[0].status, 'confirmed', 'promoted from the waitlist');
    const audit = await api.get('/audit?limit=50');
    assert.ok(audit.items.some((a) => a.action === 'checkin.undo' && a.target === `registration:${regs[0].id}`), 'the undo is audited');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
