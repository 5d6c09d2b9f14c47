// The report's sections, drawn from GET /api/v1/report: the overview, then one table per
// view in the JSON's order — the same views as the XLSX's sheets.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtRange, fmtNumber, fmtRate, kindLabel, statusLabel, unitKindLabel } from '../shared/format.js';

const num = (v) => h('td', { class: 'num' }, v === null || v === undefined ? '—' : fmtNumber(v));
const rate = (v) => h('td', { class: 'num' }, fmtRate(v));

function section(key, id, ...content) {
  return h('section', { class: 'r-section', id, dataset: { section: id } }, h('h2', {}, t(key)), content);
}

function table(cls, headers, rows, foot) {
  if (!rows.length) return h('p', { class: 'muted r-empty' }, t('report.none'));
  return h('table', { class: `r-table ${cls}` },
    h('thead', {}, h('tr', {}, headers.map(([key, numeric]) => h('th', { class: numeric ? 'num' : null }, t(key))))),
    h('tbody', {}, rows),
    foot ? h('tfoot', {}, foot) : null);
}

export function overview(r) {
  const tile = (key, value, id) => h('div', { class: 'r-tile', dataset: { total: id } }, h('span', {}, t(key)), h('strong', {}, value));
  const tot = r.totals || {};
  return section('report.totals', 'totals', h('div', { class: 'r-tiles' },
    tile('report.total_events', fmtNumber(r.events.length), 'events'),
    tile('report.total_registered', fmtNumber(tot.registered), 'registered'),
    tile('report.total_checked_in', fmtNumber(tot.checked_in), 'checked_in'),
    tile('report.total_walk_ins', fmtNumber(tot.walk_ins), 'walk_ins'),
    tile('report.total_served', fmtNumber(tot.served), 'served'),
    tile('report.total_expected', fmtNumber(tot.expected), 'expected'),
    tile('report.total_leave', fmtNumber(tot.leave), 'leave')));
}

export function eventsTable(r) {
  const rows = r.events.map((e) => h('tr', { dataset: { eventId: e.id } },
    h('td', {}, h('strong', {}, e.title), h('div', { class: 'r-sub' }, [fmtRange(e.starts_at, e.ends_at), e.venue].filter(Boolean).join(' · ')),
      e.services?.length ? h('div', { class: 'r-sub r-svc-line' }, e.services.map((s) => `${s.name} ${fmtNumber(s.served)}`).join(' · ')) : null),
    h('td', {}, kindLabel(e.kind), e.status !== 'open' ? h('div', { class: 'r-sub' }, statusLabel(e.status)) : null),
    num(e.capacity), num(e.registered), num(e.waitlisted), num(e.checked_in), rate(e.rate),
    num(e.walk_ins), num(e.late), num(e.leave), h('td', { class: 'num', dataset: { col: 'served' } }, e.services?.length || e.served ? fmtNumber(e.served) : '—')));
  return section('report.events', 'events', table('r-events', [
    ['report.c.event'], ['report.c.kind'], ['report.c.capacity', 1], ['report.c.registered', 1], ['report.c.waitlisted', 1],
    ['report.c.checked_in', 1], ['report.c.rate', 1], ['report.c.walk_ins', 1], ['report.c.late', 1], ['report.c.leave', 1], ['report.c.served', 1],
  ], rows));
}

export function unitsTable(r) {
  const rows = r.units.map((u) => h('tr', { dataset: { unitId: u.unit_id } },
    h('td', {}, u.unit), h('td', {}, unitKindLabel(u.kind)), h('td', {}, u.parent || '—'),
    num(u.expected), num(u.registered), num(u.attended), rate(u.rate), num(u.leave), num(u.late)));
  return section('report.units', 'units', table('r-units', [
    ['report.c.unit'], ['report.c.kind'], ['report.c.parent'], ['report.c.expected', 1], ['report.c.registered', 1],
    ['report.c.attended', 1], ['report.c.att_rate', 1], ['report.c.leave', 1], ['report.c.late', 1],
  ], rows));
}

export function servicesTable(r) {
  const rows = r.services.map((s) => h('tr', { dataset: { eventId: s.event_id, service: s.service, site: s.site || '' } },
    h('td', {}, s.event), h('td', {}, s.site || '—'), h('td', {}, s.service), num(s.served)));
  const total = r.services.reduce((n, s) => n + (s.served || 0), 0);
  const foot = h('tr', {}, h('td', { colspan: 3 }, t('eunits.totals')), num(total));
  return section('report.services', 'services', table('r-services', [
    ['report.c.event'], ['report.c.site'], ['report.c.service'], ['report.c.served', 1],
  ], rows, rows.length ? foot : null));
}

export function departmentsTable(r) {
  const rows = r.departments.map((d) => h('tr', { dataset: { department: d.department } },
    h('td', {}, h('strong', {}, d.department)), h('td', {}, d.events.map((e) => e.title).join('；'))));
  return section('report.departments', 'departments', table('r-departments', [['report.c.department'], ['report.c.dept_events']], rows));
}
