// Work units on the staff app: add units (form and CSV with a dry run), set an event's
// quotas by kind and per unit, register people with a unit picked from the list, check some
// in (one before the start, two late), record leave, and read the attendance by unit: the
// figures, late / leave / absent apart, and the unit below quota listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, shot, baseUrl, admin, Api, testPhone } from './support/harness.mjs';

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

test('staff: units, quotas, registrations with units, leave, attendance by unit', async () => {
  const api = await new Api().login();
  const tag = String(Date.now() % 1000000);
  const names = { hospital: `测试示范医院${tag}`, a: `测试甲社区卫生服务中心${tag}`, b: `测试乙社区卫生服务中心${tag}` };

  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/#/units`);
    await page.fill('#f-username', admin().username);
    await page.fill('#f-password', admin().password);
    await page.click('button[type=submit]');

    // Two units by the form …
    for (const [name, kind] of [[names.hospital, 'hospital'], [names.a, 'community']]) {
      await page.fill('#u-new-name', name);
      await page.selectOption('#u-new-kind', kind);
      await page.click('[data-form=new-unit] button[type=submit]');
      await page.waitForSelector(`.units-table tr:has-text("${name}")`);
    }
    // … a duplicate name is refused under the field …
    await page.fill('#u-new-name', names.a);
    await page.click('[data-form=new-unit] button[type=submit]');
    await page.locator('[data-form=new-unit] .field-error[data-error-for=name]').filter({ hasText: /同名/ }).waitFor();
    await page.fill('#u-new-name', '');
    // … and one from CSV, after a dry run that writes nothing (one bad kind on line 3).
    await page.click('a[href="#/units/import"]');
    const csv = `名称,类型,上级单位\r\n${names.b},社区卫生服务中心,\r\n坏类型单位${tag},pharmacy,\r\n`;
    await page.setInputFiles('#import-file', { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`, 'utf8') });
    const report = page.locator('.report');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-accepted'), '1');
    assert.equal(await report.getAttribute('data-rejected'), '1');
    await page.locator('.rejected-lines tr[data-line="3"]').waitFor();
    assert.equal((await api.get(`/units?q=${encodeURIComponent(names.b)}`)).items.length, 0, 'the dry run wrote nothing');
    await page.click('button[data-action=commit-import]');
    await page.waitForSelector('.alert-ok');
    const units = {};
    for (const [k, name] of Object.entries(names)) {
      const found = (await api.get(`/units?q=${encodeURIComponent(name)}`)).items;
      assert.equal(found.length, 1, `${name} exists once`);
      units[k] = found[0];
    }
    assert.equal(units.b.kind, 'community', 'the Chinese kind label was read');

    // The list: search and the kind filter.
    await page.goto(`${baseUrl()}/#/units`);
    await page.fill('.search-input', tag);
    await page.waitForFunction(() => document.querySelectorAll('.units-table tbody tr').length === 3);
    await page.selectOption('select[data-filter=kind]', 'community');
    await page.waitForFunction(() => document.querySelectorAll('.units-table tbody tr').length === 2);
    await shot(page, 'staff-13-units');
    // Edit: the hospital gets a parent-less rename round trip.
    await page.selectOption('select[data-filter=kind]', '');
    await page.click(`.units-table tr[data-unit-id="${units.hospital.id}"] [data-action=edit]`);
    await page.fill('#u-edit-name', `${names.hospital}（本部）`);
    await page.click('dialog.unit-dialog button[type=submit]');
    await page.waitForSelector(`.units-table tr[data-unit-id="${units.hospital.id}"]:has-text("（本部）")`);
    names.hospital = `${names.hospital}（本部）`;

    // A conference that starts in an hour.
    const start = Date.now() + 3600e3;
    const event = await api.post('/events', {
      title: `单位参会测试大会 ${tag}`, kind: 'conference', venue: '大会议室', starts_at: iso(start), ends_at: iso(start + 7200e3), capacity: null,
    });

    // Quotas: every community health centre 2, then the hospital 3.
    await page.goto(`${baseUrl()}/#/events/${event.id}/units`);
    await page.waitForSelector('[data-editor=quotas]');
    await page.selectOption('#quota-kind', 'community');
    await page.fill('#quota-kind-n', '2');
    await page.click('[data-action=apply-kind]');
    await page.waitForSelector('.quota-rule[data-kind=community]');
    assert.equal(await page.inputValue(`.quota-table tr[data-unit-id="${units.a.id}"] input`), '2');
    await page.fill(`.quota-table tr[data-unit-id="${units.hospital.id}"] input`, '3');
    const [put] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith(`/events/${event.id}/quotas`)),
      page.click('[data-action=save-quotas]'),
    ]);
    const items = put.postDataJSON().items;
    assert.deepEqual(items[0], { unit_kind: 'community', expected: 2 }, 'the kind rule is sent as such');
    assert.ok(items.some((x) => x.unit_id === units.hospital.id && x.expected === 3));
    await page.waitForSelector('.toast');
    const quotas = Object.fromEntries((await api.get(`/events/${event.id}/quotas`)).items.map((q) => [q.unit_id, q.expected]));
    assert.equal(quotas[units.hospital.id], 3);
    assert.equal(quotas[units.a.id], 2);
    assert.equal(quotas[units.b.id], 2);

    // Register: the first by the form, picking the unit from the list.
    await page.goto(`${baseUrl()}/#/events/${event.id}/register`);
    await page.fill('#f-name', '周医生');
    await page.fill('#f-phone', testPhone());
    await page.fill('#f-organization', names.hospital);
    await page.waitForSelector('.unit-status[data-linked=yes]');
    await page.click('form[data-form=register] button[type=submit]');
    await page.waitForSelector('.result-card[data-status=confirmed]');
    const first = (await api.get(`/events/${event.id}/registrations?q=${encodeURIComponent('周医生')}`)).items[0];
    assert.equal(first.unit_id, units.hospital.id, 'the form sent the unit');
    const reg = async (name, unit) => api.post(`/events/${event.id}/registrations`, { name, phone: testPhone(), unit_id: unit.id });
    const h2 = await reg('吴医生', units.hospital);
    const h3 = await reg('郑护士', units.hospital);
    const a1 = await reg('钱医生', units.a);
    await reg('孙医生', units.a);
    await reg('李医生', units.b);
    assert.equal(h2.organization, names.hospital, 'organization follows the (renamed) unit');

    // One check-in before the start; then the start moves to now and two arrive late.
    await api.post('/checkins', { registration_id: first.id, nonce: `units-${tag}-1` });
    await pause(1200);
    await api.call('PATCH', `/events/${event.id}`, { starts_at: iso(Date.now()) });
    await pause(1200);
    await api.post('/checkins', { registration_id: h2.id, nonce: `units-${tag}-2` });
    await api.post('/checkins', { registration_id: a1.id, nonce: `units-${tag}-3` });

    // 郑护士 is on leave: recorded on the registration page with a reason.
    await page.goto(`${baseUrl()}/#/registrations/${h3.id}`);
    await page.click('[data-action=leave]');
    await page.fill('#prompt-text', '外出学习');
    await page.click('dialog.prompt button[value=ok]');
    await page.waitForSelector('.reg-status-line [data-leave=yes]');
    assert.match(await page.textContent('.reg-leave'), /外出学习/);
    assert.match(await page.textContent('.reg-unit'), new RegExp(names.hospital.replace(/[()（）]/g, '.')));
    assert.equal((await api.get(`/registrations/${h3.id}`)).leave.reason, '外出学习');

    // Attendance by unit.
    await page.goto(`${baseUrl()}/#/events/${event.id}/units`);
    await page.waitForSelector('.units-attendance');
    const cell = (unit, col) => page.textContent(`.units-attendance tr[data-unit-id="${unit.id}"] td[data-col=${col}]`);
    const row = async (unit) => Object.fromEntries(await Promise.all(
      ['expected', 'registered', 'checked_in', 'rate', 'late', 'leave', 'absent'].map(async (c) => [c, (await cell(unit, c)).trim()])));
    assert.deepEqual(await row(units.hospital), { expected: '3', registered: '3', checked_in: '2', rate: '66.7%', late: '1', leave: '1', absent: '0' });
    assert.deepEqual(await row(units.a), { expected: '2', registered: '2', checked_in: '1', rate: '50.0%', late: '1', leave: '0', absent: '1' });
    assert.deepEqual(await row(units.b), { expected: '2', registered: '1', checked_in: '0', rate: '0.0%', late: '0', leave: '0', absent: '1' });
    // Below quota: the one-of-two unit is highlighted and listed; the others are not.
    assert.ok(await page.isVisible(`.units-attendance tr.is-below[data-unit-id="${units.b.id}"]`));
    assert.equal(await page.locator(`.units-attendance tr.is-below[data-unit-id="${units.hospital.id}"]`).count(), 0);
    assert.match(await page.textContent(`.below-quota li[data-unit-id="${units.b.id}"]`), /已报名 1 \/ 应到 2，差 1 人/);
    assert.equal(await page.locator(`.below-quota li[data-unit-id="${units.a.id}"]`).count(), 0);
    const api2 = await api.get(`/events/${event.id}/units`);
    assert.equal(await page.textContent('.units-attendance tr.totals td[data-col=checked_in]'), String(api2.totals.checked_in));
    await page.locator(`.units-attendance tr[data-unit-id="${units.hospital.id}"]`).scrollIntoViewIfNeeded();
    await shot(page, 'staff-14-event-units');

    // The registered figure opens the list filtered to the unit.
    await page.click(`.units-attendance tr[data-unit-id="${units.a.id}"] td[data-col=registered] a`);
    await page.waitForFunction(() => document.querySelectorAll('.table tbody tr').length === 2);
    assert.match(await page.textContent('.table tbody'), /钱医生/);

    // Leave cleared: 郑护士 counts as absent again.
    await page.goto(`${baseUrl()}/#/registrations/${h3.id}`);
    await page.click('[data-action=leave-clear]');
    await page.click('dialog.confirm button[value=ok]');
    await page.waitForSelector('[data-action=leave]:has-text("登记请假")');
    const after = (await api.get(`/events/${event.id}/units`)).items.find((u) => u.unit_id === units.hospital.id);
    assert.equal(after.leave, 0);
    assert.equal(after.absent, 1);
    assert.deepEqual(context.pageErrors, []);
  } finally {
    await browser.close();
  }
});
