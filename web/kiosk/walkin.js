// Walk-in: name, mobile and work unit on one screen; registers and checks in at once.
// A light check here keeps an obviously wrong entry out of the offline queue; the
// server's own `fields` messages are shown when it answers.
import { h } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';

function row(name, label, props) {
  const input = h('input', { name, id: `w-${name}`, autocomplete: 'off', ...props });
  return h('div', { class: 'k-field' },
    h('label', { for: input.id }, label), input,
    h('span', { class: 'k-field-error', dataset: { errorFor: name } }));
}

export function walkInScreen({ phone = '', onSubmit, onBack }) {
  const submit = h('button', { type: 'submit', class: 'k-btn k-btn-primary' }, t('kiosk.walk_in_submit'));
  const form = h('form', { class: 'k-walkin', novalidate: true, dataset: { screen: 'walk-in' } },
    h('h1', { class: 'k-section-title' }, t('kiosk.walk_in_title')),
    row('name', t('kiosk.walk_in_name'), { maxlength: 50 }),
    row('phone', t('kiosk.walk_in_phone'), { type: 'tel', inputmode: 'numeric', maxlength: 13, value: phone }),
    row('organization', t('kiosk.walk_in_org'), { maxlength: 100 }),
    h('div', { class: 'k-form-actions' }, submit,
      h('button', { type: 'button', class: 'k-btn k-btn-quiet', onclick: onBack }, t('kiosk.back'))));

  const showErrors = (fields) => {
    for (const slot of form.querySelectorAll('.k-field-error')) slot.textContent = localize(fields[slot.dataset.errorFor] || '');
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    const values = { name: f.name.value.trim(), phone: f.phone.value.replace(/[\s-]/g, ''), organization: f.organization.value.trim() };
    const local = {};
    if (!values.name) local.name = t('kiosk.walk_in_name_req');
    if (!/^1[3-9]\d{9}$/.test(values.phone)) local.phone = t('kiosk.walk_in_phone_req');
    showErrors(local);
    if (Object.keys(local).length) return;
    submit.disabled = true;
    try {
      const fields = await onSubmit(values);
      if (fields) showErrors(fields);
    } finally {
      submit.disabled = false;
    }
  });
  setTimeout(() => form.elements.name.focus(), 0);
  return form;
}
