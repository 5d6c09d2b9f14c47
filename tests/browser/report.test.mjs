// The programme report: admins only (a signed-out visitor is sent to sign in and brought
// back), the figures of GET /api/v1/report on an A4 page, printable without its buttons, and
// the Excel workbook download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, admin, Api, testPhone } from './support/harness.mjs';

test('report: sign in, the figures, print layout, XLSX download', async () => {
  const api = await new Api().login();
  const tag = String(Date.now() % 1000000);
  const { event, regs } = await api.eventWithPeople(`报告测试活动 ${tag}`, [
    { name: '冯医生', phone: testPhone() }, { name: '邓医生', phone: testPhone() }, { name: '唐护士', phone: testPhone() },
  ], { lead_departments: [`测试科${tag}`] });
  await api.post('/checkins', { registration_id: regs[0].id, nonce: `report-${tag}-1` });

  const browser = await launch();
  try {
    const context = await newContext(browser, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/report`);
    await page.click('[data-action=sign-in]');
    await page.fill('#f-username', admin().username);
    await page.fill('#f-password', admin().password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/report$/);
    await page.waitForSelector('.r-paper');

    const data = await api.get('/report');
    assert.equal(await page.textContent('.r-head h1'), data.programme.title);
    const row = page.locator(`.r-events tr[data-event-id="${event.id}"]`);
    const cells = await row.locator('td').allTextContents();
    // 活动, 类型, 名额, 报名, 候补, 签到, 签到率, 现场登记, 迟到, 请假, 服务人次
    assert.deepEqual(cells.slice(3, 10), ['3', '0', '1', '33.3%', '0', '1', '0']);
    const mine = data.events.find((e) => e.id === event.id);
    assert.equal(mine.registered, 3);
    assert.equal(mine.checked_in, 1);
    assert.equal(await page.textContent('[data-total=registered] strong'), data.totals.registered.toLocaleString('zh-CN'));
    assert.equal(await page.locator('.r-units tbody tr').count(), data.units.length);
    assert.equal(await page.locator('.r-services tbody tr').count(), data.services.length);
    assert.match(await page.textContent(`.r-departments tr[data-department="测试科${tag}"]`), new RegExp(`报告测试活动 ${tag}`));
    await shot(page, 'report-page');

    // Printed: A4, no buttons, header rows repeat.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.r-toolbar'), false, 'buttons are not printed');
    assert.equal(await page.$eval('.r-events thead', (el) => getComputedStyle(el).display), 'table-header-group');
    assert.equal(await page.$eval('.r-events tbody tr', (el) => getComputedStyle(el).breakInside), 'avoid');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.subarray(0, 5).toString() === '%PDF-', 'prints to PDF');
    await page.emulateMedia({ media: 'screen' });

    // The workbook: the button downloads it; the endpoint answers as Excel.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=xlsx]')]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const res = await page.request.get(`${baseUrl()}/api/v1/report.xlsx`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const body = await res.body();
    assert.equal(body.subarray(0, 2).toString(), 'PK', 'a zip file');

    // The staff app links here for admins.
    await page.goto(`${baseUrl()}/#/`);
    await page.click('.nav a[data-action=report]');
    await page.waitForSelector('.r-paper');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
