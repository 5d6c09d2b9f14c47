// The work-unit field of the register form: type to search the unit list (a <datalist>),
// pick one to link the registration to it, or keep free text (the public names a
// community, not a unit). A line under the field says which it will be.
import { get } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { unitKindLabel } from '../../shared/format.js';
import { field, input } from '../ui.js';

export function unitPicker() {
  let units = [];
  const list = h('datalist', { id: 'unit-options' });
  const box = input({ maxlength: 100, list: 'unit-options', placeholder: t('reg.f.unit_hint') });
  const status = h('span', { class: 'field-hint unit-status', dataset: { linked: 'no' } });
  const unit = () => units.find((u) => u.name === box.value.trim()) || null;
  const paint = () => {
    const u = unit();
    status.dataset.linked = u ? 'yes' : 'no';
    status.textContent = u ? t('reg.unit_linked', { name: `${u.name}（${unitKindLabel(u.kind)}）` }) : box.value.trim() ? t('reg.unit_free') : '';
  };
  box.addEventListener('input', paint);
  get('/units').then(({ items }) => {
    units = items;
    list.replaceChildren(...items.map((u) => h('option', { value: u.name }, unitKindLabel(u.kind))));
    paint();
  }).catch(() => { /* no list: free text still works */ });

  const f = field({ name: 'organization', label: t('reg.f.unit'), input: box });
  f.append(status, list);
  return { field: f, unit, reset: () => { box.value = ''; paint(); } };
}
