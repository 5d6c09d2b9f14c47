// The staff app end to end: sign in, create an event, register (a good one, a bad phone,
// a duplicate), import a GB18030 CSV with one bad line through the dry run, export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { launch, newContext, shot, baseUrl, admin, testPhone } from './support/harness.mjs';

function localInput(ms) {
  // datetime-local wants Beijing wall-clock time: shift by +8 h and drop the zone.
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 16);
}

test('staff: sign in, create an event, register, import GB18030 CSV, export with BOM', async () => {
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    const { username, password } = admin();
    const title = `浏览器测试活动 ${Date.now()}`;

    // Sign in
    await page.goto(`${baseUrl()}/`);
    await page.fill('#f-username', username);
    await page.fill('#f-password', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('.alert-error');
    await page.fill('#f-password', password);
    await shot(page, 'staff-01-sign-in');
    await page.click('button[type=submit]');
    await page.waitForSelector('.topbar .user-name');
    await page.waitForSelector('.event-card');
    await page.waitForSelector('.live-pill[data-state=live]');
    await shot(page, 'staff-00-events');

    // Create an event
    await page.click('a[href="#/events/new"]');
    await page.fill('#f-title', title);
    await page.selectOption('#f-kind', 'lecture');
    await page.fill('#f-venue', '区卫生健康委 报告厅');
    await page.fill('#f-starts_at', localInput(Date.now() + 86400e3));
    await page.fill('#f-ends_at', localInput(Date.now() + 86400e3 + 2 * 3600e3));
    await page.fill('#f-capacity', '100');
    await page.check('#f-waitlist');
    await page.fill('#f-lead_departments', '医政管理科、办公室');
    await shot(page, 'staff-02-new-event');
    await page.click('form button[type=submit]');
    await page.waitForSelector(`h1.event-title:has-text("${title}")`);
    const eventId = Number(/#\/events\/(\d+)/.exec(page.url())[1]);
    assert.ok(eventId > 0, 'lands on the new event');

    // Register a valid participant
    await page.click('.tabs a[href$="/register"]');
    const phone = testPhone();
    await page.fill('#f-name', '王晓明');
    await page.fill('#f-phone', phone);
    await page.fill('#f-organization', '青浦区示范第一医院');
    await page.click('form[data-form=register] button[type=submit]');
    await page.waitForSelector('.result-card[data-status=confirmed]');
    await shot(page, 'staff-03-registered');

    // A bad phone number: the server's field error appears under the phone input
    await page.click('.result-actions button.btn-primary');
    await page.fill('#f-name', '李四');
    await page.fill('#f-phone', '12345');
    await page.click('form[data-form=register] button[type=submit]');
    const phoneError = page.locator('.field-error[data-error-for=phone]');
    await phoneError.filter({ hasText: /\S/ }).waitFor();
    assert.match(await phoneError.textContent(), /11 位手机号/);
    assert.equal(await page.getAttribute('#f-phone', 'aria-invalid'), 'true');
    assert.equal(await page.locator('.result-card').count(), 0, 'nothing registered');
    await shot(page, 'staff-04-field-error');

    // The same phone again: the duplicate offers the existing registration
    await page.fill('#f-phone', phone);
    await page.click('form[data-form=register] button[type=submit]');
    await page.click('a[data-action=open-existing]');
    await page.waitForSelector('.page-head h1:has-text("王晓明")');

    // Import a GB18030 CSV (as Excel saves it) with one bad line
    const csv = [
      '姓名,手机号,工作单位,类别',
      `陈静,${testPhone()},莲湖社区卫生服务中心,doctor`,
      `赵磊,${testPhone()},淀湖社区卫生服务中心,nurse`,
      '孙芳,98765,曲水社区卫生服务中心,doctor',
      `周建华,${testPhone()},双桥社区卫生服务中心,guest`,
    ].join('\r\n');
    await page.goto(`${baseUrl()}/#/events/${eventId}/import`);
    await page.setInputFiles('#import-file', { name: '报名名单.csv', mimeType: 'text/csv', buffer: iconv.encode(`${csv}\r\n`, 'gb18030') });
    const report = page.locator('.report');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-accepted'), '3');
    assert.equal(await report.getAttribute('data-rejected'), '1');
    const bad = page.locator('.rejected-lines tr[data-line="4"]');
    await bad.waitFor();
    assert.match(await bad.textContent(), /第 4 行/);
    await shot(page, 'staff-05-import-preview');
    let total = (await (await page.request.get(`${baseUrl()}/api/v1/events/${eventId}/registrations`)).json()).total;
    assert.equal(total, 1, 'the dry run wrote nothing');
    await page.click('button[data-action=commit-import]');
    await page.waitForSelector('.alert-ok');
    await shot(page, 'staff-06-imported');
    total = (await (await page.request.get(`${baseUrl()}/api/v1/events/${eventId}/registrations`)).json()).total;
    assert.equal(total, 4, 'the three good lines landed');

    // The list finds an imported name
    await page.goto(`${baseUrl()}/#/events/${eventId}`);
    await page.fill('.search-input', '赵磊');
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('.table tbody tr');
      return rows.length === 1 && rows[0].textContent.includes('赵磊');
    });
    await shot(page, 'staff-07-search');

    // Export: UTF-8 with BOM, with the imported names
    const href = await page.getAttribute('a[data-action=export]', 'href');
    const res = await page.request.get(`${baseUrl()}${href}`);
    assert.equal(res.status(), 200);
    const body = await res.body();
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
    const text = body.toString('utf8');
    for (const name of ['王晓明', '陈静', '赵磊', '周建华']) assert.ok(text.includes(name), `export holds ${name}`);
    assert.ok(!text.includes('孙芳'), 'the bad line was not imported');

    // English switch, kept across a reload
    await page.click('.lang-switch');
    await page.waitForSelector('.tabs a:has-text("Registrations")');
    await page.reload();
    await page.waitForSelector('.tabs a:has-text("Registrations")');
    await shot(page, 'staff-08-english');
    await page.click('.lang-switch');

    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
