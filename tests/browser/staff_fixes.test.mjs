// Staff fix things (issue 11): edit a registration and its code stays; the audit page
// filters; an .xlsx import (made here with exceljs) lands the same rows as the same data in
// CSV; the accounts page disables a user, whose session stops at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { launch, newContext, shot, baseUrl, admin, Api, testPhone } from './support/harness.mjs';

async function signIn(page, path) {
  await page.goto(`${baseUrl()}/#${path}`);
  await page.fill('#f-username', admin().username);
  await page.fill('#f-password', admin().password);
  await page.click('button[type=submit]');
}

// A valid 18-character resident ID number (ISO 7064 check character).
function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('staff: edit a registration, the code stays; the audit page filters', async () => {
  const api = await new Api().login();
  const { event, regs } = await api.eventWithPeople('护理技能培训', [
    { name: '张晓明', phone: testPhone(), organization: '青浦区中心医院', category: 'nurse' },
  ]);
  const reg = regs[0];
  const newPhone = testPhone();
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, `/registrations/${reg.id}`);
    await page.click('button[data-action=edit]');
    const form = page.locator('form[data-form=edit-registration]');
    await form.waitFor();
    await page.fill('#f-name', '张小明');
    await page.fill('#f-phone', newPhone);
    await page.fill('#f-id_number', residentId('31011819800101123'));
    await shot(page, 'staff-edit-registration');
    await page.click('button[data-action=save-edit]');
    await page.waitForSelector('.dl:has-text("张小明")');
    assert.ok((await page.textContent('.dl')).includes(reg.code), 'the code is shown unchanged');
    const after = await api.get(`/registrations/${reg.id}`);
    assert.equal(after.code, reg.code);
    assert.equal(after.phone, newPhone);
    assert.equal(after.name, '张小明');

    // A duplicate phone is refused under the field.
    const other = await api.post(`/events/${event.id}/registrations`, { name: '王丽', phone: testPhone() });
    await page.click('button[data-action=edit]');
    await page.fill('#f-phone', other.phone);
    await page.click('button[data-action=save-edit]');
    await page.waitForSelector('[data-error-for=phone]:not(:empty)');
    await page.click('form[data-form=edit-registration] button[type=button]');

    // The audit page: the edit is there, masked, and the filters narrow it.
    await page.click('.nav a[href="#/audit"]');
    await page.waitForSelector('.audit-table tbody tr');
    await page.selectOption('#audit-action', 'registration.edit');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.audit-table tbody tr')];
      return rows.length > 0 && rows.every((r) => r.dataset.action === 'registration.edit');
    });
    const row = page.locator(`.audit-table tbody tr:has-text("registration:${reg.id}")`);
    await row.waitFor();
    const text = await row.textContent();
    assert.ok(!text.includes(newPhone) && !text.includes('张小明'), 'the change is masked');
    assert.match(text, /phone \d{3}\*{4}\d{4}→\d{3}\*{4}\d{4}/);
    await shot(page, 'staff-audit');
    await page.fill('#audit-actor', 'nobody-at-all');
    await page.click('form[data-form=audit-filter] button[type=submit]');
    await page.waitForSelector('.results .empty');
    assert.match(page.url(), /actor=nobody-at-all/);
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('staff: an .xlsx import lands the same rows as the same data in CSV', async () => {
  const api = await new Api().login();
  const people = [0, 1, 2].map((i) => ({
    name: ['陈静', '赵磊', '周建华'][i], phone: testPhone(), org: '莲湖社区卫生服务中心', category: 'doctor',
    id: residentId(`3101181985020${1000 + i}`),
  }));
  const csv = ['姓名,手机号,工作单位,类别,身份证号', ...people.map((p) => [p.name, p.phone, p.org, p.category, p.id].join(','))].join('\r\n');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['姓名', '手机号', '工作单位', '类别', '身份证号']);
  // Phones as numbers (as Excel stores a typed-in phone), ID numbers as text.
  for (const p of people) ws.addRow([p.name, Number(p.phone), { richText: [{ text: p.org }] }, p.category, p.id]);
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());

  const { event: viaCsv } = await api.eventWithPeople('导入对照（CSV）', []);
  const { event: viaXlsx } = await api.eventWithPeople('导入对照（Excel）', []);
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, `/events/${viaCsv.id}/import`);
    const files = [
      [viaCsv, { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}\r\n`) }],
      [viaXlsx, { name: '名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx }],
    ];
    for (const [event, file] of files) {
      await page.goto(`${baseUrl()}/#/events/${event.id}/import`);
      await page.waitForSelector('#import-file', { state: 'attached' });
      await page.setInputFiles('#import-file', file);
      const report = page.locator('.report');
      await report.waitFor();
      assert.equal(await report.getAttribute('data-accepted'), '3', `${file.name}: the dry run accepts all three`);
      await page.click('button[data-action=commit-import]');
      await page.waitForSelector('.alert-ok');
    }
    const rows = async (event) => (await api.get(`/events/${event.id}/registrations`)).items
      .map((r) => [r.name, r.phone, r.organization, r.category, r.id_number].join('|')).sort();
    const fromCsv = await rows(viaCsv);
    assert.equal(fromCsv.length, 3);
    assert.deepEqual(await rows(viaXlsx), fromCsv);
    for (const p of people) assert.ok(fromCsv.some((r) => r.includes(p.phone) && r.includes(p.id)), 'every digit kept');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('staff: the accounts page disables a user, whose session stops at once', async () => {
  const api = await new Api().login();
  const username = `volunteer-${Date.now() % 1e6}`;
  await api.post('/users', { username, password: 'volunteer-pass-1', role: 'staff' });
  const volunteer = await new Api().login({ username, password: 'volunteer-pass-1' });
  assert.equal((await volunteer.get('/me')).user.username, username);
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, '/users');
    const row = page.locator(`tr[data-username="${username}"]`);
    await row.waitFor();
    await row.locator('button[data-action=disable]').click();
    await page.click('dialog.confirm button[value=ok]');
    await page.waitForSelector(`tr[data-username="${username}"][data-disabled=yes]`);
    await shot(page, 'staff-users');
    await assert.rejects(volunteer.get('/me'), (e) => e.status === 401, 'the session ended at once');
    await assert.rejects(new Api().login({ username, password: 'volunteer-pass-1' }), (e) => e.status === 401);
    // Enabled again, they sign in as before.
    await page.locator(`tr[data-username="${username}"] button[data-action=enable]`).click();
    await page.waitForSelector(`tr[data-username="${username}"][data-disabled=no]`);
    await new Api().login({ username, password: 'volunteer-pass-1' });
    // Everyone changes their own password from the link on their name.
    await page.click('a[data-action=password]');
    await page.fill('#pw-current', 'wrong-password-0');
    await page.fill('#pw-new', 'a-new-password-1');
    await page.fill('#pw-repeat', 'a-new-password-1');
    await page.click('form[data-form=own-password] button[type=submit]');
    await page.waitForSelector('[data-error-for=current_password]:not(:empty)');
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
