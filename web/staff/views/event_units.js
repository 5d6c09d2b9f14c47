// One event by work unit: attendance (expected / registered / checked in / 参会率, with late,
// leave and absence apart), the units below quota, and the quota editor (admin). The table
// follows the board's stream, so it moves as people check in.
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt, fmtNumber, fmtRate, unitKindLabel } from '../../shared/format.js';
import { openBoardFeed } from '../../shared/board_feed.js';
import { withEvent } from './event_chrome.js';
import { quotaEditor } from './quota_editor.js';
import { alertBox, errorText, loading } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const COLS = ['expected', 'registered', 'checked_in', 'rate', 'late', 'leave', 'absent'];

function cells(row, { link } = {}) {
  return COLS.map((c) => {
    if (c === 'rate') return h('td', { class: 'num rate', dataset: { col: c } }, fmtRate(row.rate));
    const v = row[c];
    const text = v === undefined || v === null ? '—' : fmtNumber(v);
    const cls = `num${c === 'late' && v ? ' is-late' : ''}${c === 'leave' && v ? ' is-leave' : ''}${c === 'absent' && v ? ' is-absent' : ''}`;
    return h('td', { class: cls, dataset: { col: c } }, c === 'registered' && link && v ? h('a', { href: link }, text) : text);
  });
}

function attendanceTable(ev, data) {
  const head = h('tr', {}, h('th', {}, t('eunits.unit')), h('th', {}, t('eunits.kind')), COLS.map((c) => h('th', { class: 'num' }, t(`eunits.${c}`))));
  const rows = data.items.map((u) => h('tr', { class: u.below_quota ? 'is-below' : null, dataset: { unitId: u.unit_id } },
    h('td', {}, h('strong', {}, u.unit), u.parent ? h('small', { class: 'muted unit-parent' }, ` · ${u.parent}`) : null),
    h('td', {}, h('span', { class: `unit-kind unit-${u.kind}` }, unitKindLabel(u.kind))),
    cells(u, { link: `#/events/${ev.id}?unit_id=${u.unit_id}` })));
  const un = data.unassigned;
  const foot = [
    un && un.registered ? h('tr', { class: 'unassigned', dataset: { unitId: 'none' } }, h('td', { colspan: 2 }, t('eunits.unassigned')), cells({ ...un, expected: null, rate: null })) : null,
    h('tr', { class: 'totals', dataset: { unitId: 'total' } }, h('td', { colspan: 2 }, t('eunits.totals')), cells(data.totals)),
  ];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table units-attendance' },
    h('thead', {}, head), h('tbody', {}, rows), h('tfoot', {}, foot)));
}

function belowList(data) {
  const below = data.items.filter((u) => u.below_quota);
  if (!below.length) return h('div', { class: 'alert alert-ok below-quota', dataset: { count: '0' } }, t('eunits.below_none'));
  return h('div', { class: 'alert alert-warn below-quota', dataset: { count: String(below.length) } },
    h('strong', {}, t('eunits.below', { n: below.length })),
    h('ul', {}, below.map((u) => h('li', { dataset: { unitId: u.unit_id } },
      t('eunits.below_item', { unit: u.unit, registered: fmtNumber(u.registered), expected: fmtNumber(u.expected), short: fmtNumber(u.expected - u.registered) })))));
}

function summary(tot) {
  const item = (key, value, cls) => h('div', { class: `summary-item ${cls || ''}`, dataset: { total: key } }, h('span', {}, t(`eunits.${key}`)), h('strong', {}, value));
  return h('div', { class: 'summary units-summary' },
    item('expected', fmtNumber(tot.expected)), item('registered', fmtNumber(tot.registered)),
    item('checked_in', fmtNumber(tot.checked_in)), item('rate', fmtRate(tot.rate)),
    item('late', fmtNumber(tot.late), 'late'), item('leave', fmtNumber(tot.leave), 'leave'), item('absent', fmtNumber(tot.absent), 'absent'));
}

export async function eventUnitsView({ root, params }) {
  const ev = await withEvent(root, params.id, 'units');
  if (!ev) return undefined;
  const out = h('div', { class: 'event-units' }, loading());
  const editorSlot = h('div');
  root.append(out, editorSlot);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const data = await get(`/events/${ev.id}/units`);
      if (mine !== seq) return;
      const empty = !data.items.length && !data.unassigned?.registered;
      replace(out,
        summary(data.totals),
        empty ? null : belowList(data),
        h('section', { class: 'card' },
          h('h2', { class: 'section-title' }, t('eunits.attendance')),
          empty ? h('div', { class: 'empty' }, t('eunits.none')) : attendanceTable(ev, data),
          h('p', { class: 'muted small' }, t('eunits.late_note', { time: fmt(data.starts_at || ev.starts_at) }))));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(out, alertBox(errorText(e)));
    }
  }

  await load();
  replace(editorSlot, await quotaEditor(ev, { editable: isAdmin(), onSaved: load }));

  // Check-ins elsewhere (the door, another desk) move this table: reload when the stream
  // says this event changed, at most every two seconds.
  let timer = null;
  const feed = openBoardFeed({
    onUpdate: (f) => {
      if (!(f.events || []).some((e) => e.id === ev.id) || timer) return;
      timer = setTimeout(() => { timer = null; load(); }, 2000);
    },
  });
  return () => { feed.close(); clearTimeout(timer); };
}
