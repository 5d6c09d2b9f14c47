// An event's quotas: how many each unit should send. Admins set a whole kind at once ("5
// from each community health centre") and adjust single units; saving sends the kind rules
// first and only the units that differ from their rule, so PUT /quotas stays the record of
// what was meant. Everyone else sees the list.
import { api, get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { UNIT_KINDS, unitKindLabel, fmtNumber } from '../../shared/format.js';
import { select, alertBox, setAlert, errorText, busy, toast } from '../ui.js';
import { handleAuthError } from '../session.js';

function readOnly(quotas) {
  return h('section', { class: 'card quota-editor' },
    h('h2', { class: 'section-title' }, t('eunits.quotas')),
    quotas.length ? h('ul', { class: 'quota-list' }, quotas.map((q) => h('li', { dataset: { unitId: q.unit_id } }, `${q.unit}：${fmtNumber(q.expected)}`)))
      : h('p', { class: 'muted' }, t('eunits.quota_none')),
    h('p', { class: 'muted small' }, t('eunits.admin_only_quotas')));
}

export async function quotaEditor(ev, { editable, onSaved }) {
  let units, quotas;
  try {
    [units, quotas] = await Promise.all([get('/units').then((r) => r.items), get(`/events/${ev.id}/quotas`).then((r) => r.items)]);
  } catch (e) {
    return handleAuthError(e) ? h('div') : alertBox(errorText(e));
  }
  if (!editable) return readOnly(quotas);

  const rules = new Map();  // kind → expected, applied in this session
  const inputs = new Map(); // unit id → its number input
  const alert = h('div', { class: 'alert-slot' });
  const ruleChips = h('div', { class: 'quota-rules' });
  const filter = h('input', { type: 'search', class: 'search-input', placeholder: t('units.search'), 'aria-label': t('units.search'), autocomplete: 'off' });

  const setValues = (list) => {
    const byUnit = new Map(list.map((q) => [q.unit_id, q.expected]));
    for (const [id, el] of inputs) el.value = byUnit.get(id) ? String(byUnit.get(id)) : '';
  };
  const paintRules = () => replace(ruleChips, [...rules].map(([kind, n]) => h('span', { class: 'quota-rule', dataset: { kind } },
    t('eunits.kind_rule', { kind: unitKindLabel(kind), n }),
    h('button', { class: 'chip-x', type: 'button', 'aria-label': t('eunits.remove'), onclick: () => { rules.delete(kind); paintRules(); } }, '×'))));

  const kindSel = select(UNIT_KINDS.map((k) => [k, unitKindLabel(k)]), { value: 'community', id: 'quota-kind', 'aria-label': t('units.f.kind') });
  const kindN = h('input', { type: 'number', min: 0, max: 10000, step: 1, value: '5', id: 'quota-kind-n', class: 'quota-n', inputmode: 'numeric', 'aria-label': t('eunits.expected') });
  const apply = h('button', { class: 'btn', type: 'button', dataset: { action: 'apply-kind' } }, t('eunits.by_kind_apply'));
  apply.addEventListener('click', () => {
    const n = Math.max(0, Math.min(10000, Math.trunc(Number(kindN.value) || 0)));
    rules.set(kindSel.value, n);
    for (const u of units) if (u.kind === kindSel.value) inputs.get(u.id).value = n ? String(n) : '';
    paintRules();
  });

  const rows = units.map((u) => {
    const el = h('input', { type: 'number', min: 0, max: 10000, step: 1, class: 'quota-n', inputmode: 'numeric', 'aria-label': `${u.name} ${t('eunits.expected')}` });
    inputs.set(u.id, el);
    return h('tr', { dataset: { unitId: u.id, name: u.name } },
      h('td', {}, u.name), h('td', {}, h('span', { class: `unit-kind unit-${u.kind}` }, unitKindLabel(u.kind))), h('td', { class: 'num' }, el));
  });
  setValues(quotas);
  filter.addEventListener('input', () => {
    const q = filter.value.trim();
    for (const r of rows) r.hidden = Boolean(q) && !r.dataset.name.includes(q);
  });

  const save = h('button', { class: 'btn btn-primary', type: 'button', dataset: { action: 'save-quotas' } }, t('eunits.save_quotas'));
  save.addEventListener('click', () => busy(save, async () => {
    setAlert(alert, '');
    const items = [...rules].map(([kind, n]) => ({ unit_kind: kind, expected: n }));
    for (const u of units) {
      const v = Math.max(0, Math.trunc(Number(inputs.get(u.id).value) || 0));
      const ruled = rules.get(u.kind);
      if (ruled !== undefined ? v !== ruled : v > 0) items.push({ unit_id: u.id, expected: v });
    }
    try {
      const { data } = await api(`/events/${ev.id}/quotas`, { method: 'PUT', body: { items } });
      rules.clear();
      paintRules();
      setValues(data.items);
      toast(t('eunits.quotas_saved'));
      onSaved?.();
    } catch (e) {
      if (!handleAuthError(e)) setAlert(alert, errorText(e));
    }
  }));

  return h('section', { class: 'card quota-editor', dataset: { editor: 'quotas' } },
    h('h2', { class: 'section-title' }, t('eunits.quotas')),
    h('p', { class: 'muted' }, t('eunits.quotas_help')),
    alert,
    h('div', { class: 'toolbar quota-kind-row' }, h('span', {}, t('eunits.by_kind')), kindSel, h('span', {}, t('eunits.by_kind_n')), kindN, apply),
    ruleChips,
    h('div', { class: 'toolbar' }, filter),
    units.length ? h('div', { class: 'table-wrap quota-table-wrap' }, h('table', { class: 'table quota-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('eunits.unit')), h('th', {}, t('eunits.kind')), h('th', { class: 'num' }, t('eunits.expected')))),
      h('tbody', {}, rows))) : h('div', { class: 'empty' }, t('units.none')),
    h('div', { class: 'form-actions' }, save));
}
