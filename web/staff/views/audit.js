// The audit log (admins): newest first, filtered by action, actor and date range, paged.
// The filters live in the address, so a filtered view can be reloaded or shared.
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { pager } from './reg_table.js';
import { alertBox, errorText, loading, pageHead, select } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const LIMIT = 50;
// The families of actions, matched as prefixes by the server.
const ACTIONS = ['registration.', 'checkin.', 'user.', 'device.', 'event.', 'unit.', 'competition.', 'report.',
  'registration.edit', 'registration.export', 'user.login', 'user.disable', 'user.password_reset'];

export async function auditView({ root, query }) {
  root.append(pageHead(t('audit.title'), { sub: t('audit.sub') }));
  if (!isAdmin()) { root.append(alertBox(t('error.admin_only'))); return; }
  const state = { action: query.get('action') || '', actor: query.get('actor') || '', from: query.get('from') || '', to: query.get('to') || '', offset: Number(query.get('offset')) || 0 };
  const action = select([['', t('audit.any_action')], ...ACTIONS.map((a) => [a, a.endsWith('.') ? `${a}*` : a])], { id: 'audit-action', value: state.action, 'aria-label': t('audit.action') });
  const actor = h('input', { type: 'search', id: 'audit-actor', class: 'search-input', value: state.actor, placeholder: t('audit.actor_ph'), 'aria-label': t('audit.actor') });
  const from = h('input', { type: 'date', id: 'audit-from', value: state.from, 'aria-label': t('audit.from') });
  const to = h('input', { type: 'date', id: 'audit-to', value: state.to, 'aria-label': t('audit.to') });
  const results = h('div', { class: 'results' });
  const form = h('form', { class: 'toolbar audit-filters', dataset: { form: 'audit-filter' } },
    action, actor, h('label', {}, `${t('audit.from')} `, from), h('label', {}, `${t('audit.to')} `, to),
    h('button', { class: 'btn btn-primary', type: 'submit' }, t('audit.filter')));
  root.append(h('section', { class: 'card' }, form, results));

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const sp = new URLSearchParams();
    for (const k of ['action', 'actor', 'from', 'to']) if (state[k]) sp.set(k, state[k]);
    if (state.offset) sp.set('offset', String(state.offset));
    history.replaceState(null, '', `#/audit${sp.toString() ? `?${sp}` : ''}`);
    sp.set('limit', String(LIMIT));
    if (!results.firstChild) results.append(loading());
    try {
      const page = await get(`/audit?${sp}`);
      if (mine !== seq) return;
      replace(results, page.items.length ? table(page.items) : h('div', { class: 'empty' }, t('audit.none')),
        pager(page.total, state.offset, LIMIT, (o) => { state.offset = o; load(); }));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(results, alertBox(errorText(e)));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { action: action.value, actor: actor.value.trim(), from: from.value, to: to.value, offset: 0 });
    load();
  });
  action.addEventListener('change', () => form.requestSubmit());
  load();
}

function table(items) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table audit-table' },
    h('thead', {}, h('tr', {}, [t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.detail')].map((x) => h('th', {}, x)))),
    h('tbody', {}, items.map((a) => h('tr', { dataset: { id: a.id, action: a.action } },
      h('td', { class: 'muted nowrap' }, fmt(a.at)),
      h('td', {}, a.actor),
      h('td', { class: 'mono' }, a.action),
      h('td', { class: 'mono' }, a.target),
      h('td', {}, a.detail))))));
}
