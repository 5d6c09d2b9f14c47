// Walk-in: name, mobile and work unit on one screen, with the personal-information notice
// (个人信息告知) that must be accepted; registers and checks in at once. The unit is picked
// from the unit list by tapping (typing Chinese on a kiosk is slow), or typed as free text
// (the public names a community). A light check here keeps an obviously wrong entry out of
// the offline queue; the server's own `fields` messages are shown when it answers.
import { get } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';

const UNITS_KEY = 'qiandao.kiosk.units';  // the last list seen, so the picker works offline
const MAX_CHIPS = 8;

function row(name, label, props) {
  const input = h('input', { name, id: `w-${name}`, autocomplete: 'off', ...props });
  return h('div', { class: 'k-field' },
    h('label', { for: input.id }, label), input,
    h('span', { class: 'k-field-error', dataset: { errorFor: name } }));
}

function cachedUnits() {
  try { return JSON.parse(localStorage.getItem(UNITS_KEY)) || []; } catch { return []; }
}

// Tappable unit names under the field: the best matches for what is typed (all, when empty).
function unitChips(input) {
  let units = cachedUnits();
  const box = h('div', { class: 'k-unit-chips', role: 'listbox', 'aria-label': t('kiosk.walk_in_unit_pick') });
  const paint = () => {
    const q = input.value.trim();
    const hits = (q ? units.filter((u) => u.name.includes(q) && u.name !== q) : units).slice(0, MAX_CHIPS);
    replace(box, hits.map((u) => h('button', {
      type: 'button', class: 'k-chip', role: 'option', dataset: { unitId: u.id },
      onclick: () => { input.value = u.name; paint(); },
    }, u.name)));
  };
  input.addEventListener('input', paint);
  get('/units').then(({ items }) => {
    units = items.map((u) => ({ id: u.id, name: u.name }));
    try { localStorage.setItem(UNITS_KEY, JSON.stringify(units)); } catch { /* full: keep in memory */ }
    paint();
  }).catch(() => { /* offline: the cached list serves */ });
  paint();
  return box;
}

export function walkInScreen({ phone = '', onSubmit, onBack }) {
  const submit = h('button', { type: 'submit', class: 'k-btn k-btn-primary' }, t('kiosk.walk_in_submit'));
  const org = row('organization', t('kiosk.walk_in_org'), { maxlength: 100 });
  const consent = h('input', { type: 'checkbox', name: 'consent', id: 'w-consent' });
  const form = h('form', { class: 'k-walkin', novalidate: true, dataset: { screen: 'walk-in' } },
    h('h1', { class: 'k-section-title' }, t('kiosk.walk_in_title')),
    row('name', t('kiosk.walk_in_name'), { maxlength: 50 }),
    row('phone', t('kiosk.walk_in_phone'), { type: 'tel', inputmode: 'numeric', maxlength: 13, value: phone }),
    org,
    h('section', { class: 'k-notice-pi', 'aria-labelledby': 'w-pi-title' },
      h('h2', { id: 'w-pi-title' }, t('notice.pi_title')),
      h('p', {}, t('notice.pi_body')),
      h('label', { class: 'k-consent', for: 'w-consent' }, consent, h('span', {}, t('notice.pi_accept'))),
      h('span', { class: 'k-field-error', dataset: { errorFor: 'consent' } })),
    h('div', { class: 'k-form-actions' }, submit,
      h('button', { type: 'button', class: 'k-btn k-btn-quiet', onclick: onBack }, t('kiosk.back'))));
  org.querySelector('input').after(unitChips(org.querySelector('input')));
  consent.addEventListener('change', () => {
    if (consent.checked) form.querySelector('[data-error-for=consent]').textContent = '';
  });

  const showErrors = (fields) => {
    for (const slot of form.querySelectorAll('.k-field-error')) slot.textContent = localize(fields[slot.dataset.errorFor] || '');
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    const values = {
      name: f.name.value.trim(), phone: f.phone.value.replace(/[\s-]/g, ''),
      organization: f.organization.value.trim(), consent: consent.checked,
    };
    const local = {};
    if (!values.name) local.name = t('kiosk.walk_in_name_req');
    if (!/^1[3-9]\d{9}$/.test(values.phone)) local.phone = t('kiosk.walk_in_phone_req');
    if (!values.consent) local.consent = t('kiosk.walk_in_consent_req');
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
