// Correct a registration's details (a typo in a name, a changed phone…): the server checks
// them as for a sign-up and keeps the code, so a printed ticket stays good.
import { patch } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { unitPicker } from './unit_picker.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy } from '../ui.js';
import { handleAuthError } from '../session.js';

const CATEGORIES = ['doctor', 'nurse', 'public', 'competitor', 'guest', 'staff'];

// The form, filled with `reg`; `done(updated)` after a save, `cancel()` to close it.
export function editForm(reg, { done, cancel }) {
  const alert = h('div', { class: 'alert-slot' });
  const unitField = unitPicker();
  const orgBox = unitField.field.querySelector('input');
  orgBox.value = reg.organization || '';
  orgBox.dispatchEvent(new Event('input'));
  const categories = CATEGORIES.includes(reg.category) ? CATEGORIES : [...CATEGORIES, reg.category];
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', dataset: { action: 'save-edit' } }, t('edit.save'));
  const form = h('form', { class: 'card form-grid reg-edit', novalidate: true, dataset: { form: 'edit-registration' } },
    h('div', { class: 'wide' }, h('h2', { class: 'section-title' }, t('edit.title')), h('p', { class: 'muted' }, t('edit.keeps_code'))),
    alert,
    field({ name: 'name', label: t('reg.f.name'), input: input({ maxlength: 50, required: true, value: reg.name }) }),
    field({ name: 'phone', label: t('reg.f.phone'), input: input({ type: 'tel', inputmode: 'tel', maxlength: 20, required: true, value: reg.phone }) }),
    unitField.field,
    field({ name: 'category', label: t('reg.f.category'), input: select(categories.map((c) => [c, t(`category.${c}`)]), { value: reg.category }) }),
    field({ name: 'id_number', label: t('reg.f.id_number'), input: input({ maxlength: 18, value: reg.id_number || '' }), hint: t('reg.f.id_number_hint') }),
    h('div', { class: 'form-actions wide' }, submit,
      h('button', { class: 'btn', type: 'button', onclick: cancel }, t('common.cancel'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const f = form.elements;
    const body = {
      name: f.name.value, phone: f.phone.value, organization: f.organization.value,
      category: f.category.value, id_number: f.id_number.value.trim(),
      unit_id: unitField.unit()?.id ?? null,
    };
    busy(submit, async () => {
      try {
        done(await patch(`/registrations/${reg.id}`, body));
      } catch (err) {
        if (handleAuthError(err)) return;
        if (err.code === 'duplicate') { showFieldErrors(form, { phone: t('edit.duplicate') }); return; }
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) replace(alert, h('div', { class: 'alert alert-error', role: 'alert' }, [errorText(err), ...rest].join(' ')));
      }
    });
  });
  return form;
}
