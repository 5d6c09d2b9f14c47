// One event's registrations: search by name, phone, work unit or ticket code; filter by status
// or "registered, not yet checked in" (who to phone); admins export the list as shown.
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { withEvent } from './event_chrome.js';
import { regTable, pager } from './reg_table.js';
import { alertBox, errorText, loading, select } from '../ui.js';
import { handleAuthError, isAdmin } from '../session.js';

const LIMIT = 50;

export async function eventView({ root, params, query }) {
  const ev = await withEvent(root, params.id, 'list');
  if (!ev) return undefined;
  const state = { q: query.get('q') || '', status: query.get('not_checked_in') ? 'absent' : query.get('status') || '', unit: query.get('unit_id') || '', offset: Number(query.get('offset')) || 0 };
  const q = h('input', { type: 'search', class: 'search-input', value: state.q, placeholder: t('search.placeholder'), 'aria-label': t('search.label'), autocomplete: 'off' });
  const status = select([['', t('search.any_status')], ['confirmed', t('status.confirmed')], ['waitlisted', t('status.waitlisted')], ['cancelled', t('status.cancelled')], ['absent', t('search.not_checked_in')]], { value: state.status, 'aria-label': t('reg.status'), dataset: { filter: 'status' } });
  const exports = h('span', { class: 'export-links' });
  const results = h('div', { class: 'results' });
  root.append(h('section', { class: 'card' },
    h('div', { class: 'toolbar' }, q, status,
      state.unit ? h('a', { class: 'tag unit-filter', href: `#/events/${ev.id}`, title: t('common.close') }, `${t('reg.unit')} #${state.unit} ×`) : null,
      exports,
      h('a', { class: 'btn btn-primary', href: `#/events/${ev.id}/register` }, `＋ ${t('event.tab.register')}`)),
    results));

  let seq = 0;
  let timer = null;
  async function load() {
    const mine = ++seq;
    const sp = new URLSearchParams();
    if (state.q) sp.set('q', state.q);
    if (state.status === 'absent') sp.set('not_checked_in', '1');
    else if (state.status) sp.set('status', state.status);
    if (state.unit) sp.set('unit_id', state.unit);
    if (state.offset) sp.set('offset', String(state.offset));
    history.replaceState(null, '', `#/events/${ev.id}${sp.toString() ? `?${sp}` : ''}`);
    exportLinks(sp);
    sp.set('limit', String(LIMIT));
    if (!results.firstChild) results.append(loading());
    try {
      const page = await get(`/events/${ev.id}/registrations?${sp}`);
      if (mine !== seq) return;
      replace(results,
        page.items.length ? regTable(page.items) : h('div', { class: 'empty' }, state.q ? t('search.none', { q: state.q }) : t('reg.none')),
        pager(page.total, state.offset, LIMIT, (o) => { state.offset = o; load(); }));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(results, alertBox(errorText(e)));
    }
  }
  // The list as filtered now, as CSV and Excel (admins: exports are audited).
  function exportLinks(sp) {
    if (!isAdmin()) return;
    const filters = new URLSearchParams(sp);
    filters.delete('offset');
    const qs = filters.toString() ? `?${filters}` : '';
    replace(exports,
      h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/registrations.xlsx${qs}`, download: '', dataset: { action: 'export-xlsx' } }, t('event.export_xlsx')),
      h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/registrations.csv${qs}`, download: '', dataset: { action: 'export-csv-filtered' } }, t('event.export_filtered')));
  }
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = q.value.trim(); state.offset = 0; load(); }, 250);
  });
  status.addEventListener('change', () => { state.status = status.value; state.offset = 0; load(); });
  load();
  q.focus();
  return () => clearTimeout(timer);
}
