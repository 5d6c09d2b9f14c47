// Work units (各医疗卫生单位): search by name, filter by kind; admins add and edit them.
import { get, post, patch } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { UNIT_KINDS, unitKindLabel, fmtNumber } from '../../shared/format.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy, pageHead, loading, alertBox, toast } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const kindOptions = () => UNIT_KINDS.map((k) => [k, unitKindLabel(k)]);

// Parents are one level deep: only a unit without a parent can be one; groups first.
function parentOptions(all, self) {
  const top = all.filter((u) => !u.parent_id && u.id !== self?.id)
    .sort((a, b) => (a.kind === 'group' ? 0 : 1) - (b.kind === 'group' ? 0 : 1) || a.name.localeCompare(b.name, 'zh-CN'));
  return [['', t('units.f.no_parent')], ...top.map((u) => [String(u.id), u.name])];
}

function unitForm(unit, all, { prefix, submitLabel, onSave }) {
  const alert = h('div', { class: 'alert-slot' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, submitLabel);
  const form = h('form', { class: 'unit-form', novalidate: true },
    alert,
    field({ name: 'name', label: t('units.f.name'), input: input({ id: `${prefix}-name`, maxlength: 100, value: unit.name || '' }) }),
    field({ name: 'kind', label: t('units.f.kind'), input: select(kindOptions(), { id: `${prefix}-kind`, value: unit.kind || 'hospital' }) }),
    field({ name: 'parent_id', label: t('units.f.parent'), input: select(parentOptions(all, unit), { id: `${prefix}-parent`, value: unit.parent_id ? String(unit.parent_id) : '' }) }),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const f = form.elements;
    const body = { name: f.name.value.trim(), kind: f.kind.value, parent_id: f.parent_id.value ? Number(f.parent_id.value) : null };
    busy(submit, async () => {
      try {
        await onSave(body);
      } catch (err) {
        if (handleAuthError(err)) return;
        if (err.code === 'duplicate') { showFieldErrors(form, { name: t('units.duplicate') }); return; }
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });
  return form;
}

function editDialog(unit, all, onSaved) {
  const dlg = h('dialog', { class: 'confirm unit-dialog' });
  const form = unitForm(unit, all, {
    prefix: 'u-edit', submitLabel: t('common.save'),
    onSave: async (body) => {
      await patch(`/units/${unit.id}`, body);
      dlg.close();
      toast(t('units.saved'));
      onSaved();
    },
  });
  form.querySelector('.form-actions').append(h('button', { class: 'btn', type: 'button', onclick: () => dlg.close() }, t('common.cancel')));
  dlg.append(h('h2', {}, t('units.edit_title')), form);
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
}

export async function unitsView({ root }) {
  const admin = isAdmin();
  root.append(pageHead(t('units.title'), {
    sub: t('units.sub'),
    actions: admin ? [h('a', { class: 'btn', href: '#/units/import' }, t('units.import'))] : [],
  }));
  const q = h('input', { type: 'search', class: 'search-input', placeholder: t('units.search'), 'aria-label': t('units.search'), autocomplete: 'off' });
  const kind = select([['', t('units.any_kind')], ...kindOptions()], { 'aria-label': t('units.f.kind'), dataset: { filter: 'kind' } });
  const count = h('span', { class: 'muted' });
  const list = h('div', { class: 'results' }, loading());
  const createSlot = h('div');
  root.append(createSlot, h('section', { class: 'card' }, h('div', { class: 'toolbar' }, q, kind, count), list));

  let all = [];
  let seq = 0;
  async function loadAll() {
    all = (await get('/units')).items;
    if (admin) {
      replace(createSlot, h('section', { class: 'card', dataset: { form: 'new-unit' } },
        h('h2', { class: 'section-title' }, t('units.new')),
        unitForm({}, all, {
          prefix: 'u-new', submitLabel: t('units.new'),
          onSave: async (body) => {
            await post('/units', body);
            toast(t('units.created'));
            await refresh();
            createSlot.querySelector('input')?.focus();
          },
        })));
    }
  }

  async function loadList() {
    const mine = ++seq;
    const sp = new URLSearchParams();
    if (q.value.trim()) sp.set('q', q.value.trim());
    if (kind.value) sp.set('kind', kind.value);
    try {
      const { items } = await get(`/units${sp.toString() ? `?${sp}` : ''}`);
      if (mine !== seq) return;
      count.textContent = t('units.count', { n: fmtNumber(items.length) });
      replace(list, items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table units-table' },
        h('thead', {}, h('tr', {}, [t('units.f.name'), t('units.f.kind'), t('units.f.parent'), ''].map((x) => h('th', {}, x)))),
        h('tbody', {}, items.map((u) => h('tr', { dataset: { unitId: u.id } },
          h('td', {}, h('strong', {}, u.name)),
          h('td', {}, h('span', { class: `unit-kind unit-${u.kind}` }, unitKindLabel(u.kind))),
          h('td', {}, u.parent || (u.parent_id ? `#${u.parent_id}` : h('span', { class: 'muted' }, '—'))),
          h('td', { class: 'right' }, admin ? h('button', { class: 'btn btn-small', type: 'button', dataset: { action: 'edit' }, onclick: () => editDialog(u, all, refresh) }, t('units.edit')) : null))))))
        : h('div', { class: 'empty' }, q.value || kind.value ? t('units.none_match') : t('units.none')));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(list, alertBox(errorText(e)));
    }
  }

  async function refresh() {
    try { await loadAll(); } catch (e) { if (handleAuthError(e)) return; }
    await loadList();
  }

  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(loadList, 250); });
  kind.addEventListener('change', loadList);
  await refresh();
  return () => clearTimeout(timer);
}
