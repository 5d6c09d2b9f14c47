// The sign-up form: name, phone, ID number and unit or community as the event asks, the
// personal-information notice, the ALTCHA check, and a hidden honeypot field.
import { h } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';
import { get, post, ApiError } from '../shared/api.js';
import { alertBox, backLink, closesLine, errorText, eventLines, go, loading, saveCode } from './common.js';
import { powWidget } from './altcha.js';

function textField(name, label, { type = 'text', required = false, optional = false, ...props } = {}) {
  const input = h('input', { type, name, id: `p-${name}`, autocomplete: 'off', required, ...props });
  return h('label', { class: 'p-field', for: input.id },
    h('span', {}, label, required ? h('small', { class: 'muted' }, t('pub.form.required')) : null,
      optional ? h('small', { class: 'muted' }, t('pub.form.optional')) : null),
    input,
    h('span', { class: 'field-error', dataset: { errorFor: name } }));
}

function showErrors(form, fields) {
  for (const slot of form.querySelectorAll('[data-error-for]')) slot.textContent = '';
  const rest = [];
  for (const [name, message] of Object.entries(fields || {})) {
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    const text = localize(message) || message;
    if (slot) slot.textContent = text;
    else rest.push(text);
  }
  return rest;
}

function buildForm(ev) {
  const needs = (f) => ev.requires.includes(f);
  const pow = powWidget();
  const alert = h('div', { class: 'alert-slot' });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, t('pub.form.submit'));
  const form = h('form', { class: 'p-card', novalidate: true, autocomplete: 'off' },
    h('h3', {}, t('pub.form.title')),
    alert,
    textField('name', t('pub.form.name'), { required: true, maxlength: 50, autocomplete: 'name' }),
    textField('phone', t('pub.form.phone'), { type: 'tel', required: true, inputmode: 'numeric', maxlength: 20, autocomplete: 'tel' }),
    textField('id_number', t('pub.form.id_number'), { required: needs('id_number'), optional: !needs('id_number'), maxlength: 18 }),
    textField('organization', t('pub.form.organization'), { required: needs('organization'), optional: !needs('organization'), maxlength: 100 }),
    // The honeypot: people never see it; a bot that fills every field is refused.
    h('div', { class: 'p-hp', 'aria-hidden': 'true' },
      h('label', { for: 'p-website' }, t('pub.form.website')),
      h('input', { type: 'text', name: 'website', id: 'p-website', tabindex: '-1', autocomplete: 'off' })),
    h('h3', {}, t('notice.pi_title')),
    h('div', { class: 'p-notice', tabindex: '0' }, t('notice.pi_body')),
    h('label', { class: 'p-consent', for: 'p-consent' },
      h('input', { type: 'checkbox', name: 'consent', id: 'p-consent' }),
      h('span', {}, t('notice.pi_accept'))),
    h('span', { class: 'field-error', dataset: { errorFor: 'consent' } }),
    h('p', { class: 'p-meta' }, t('pub.form.verify')),
    pow.el,
    h('span', { class: 'field-error', dataset: { errorFor: 'altcha' } }),
    submit);

  form.elements.consent.addEventListener('change', () => {
    form.querySelector('[data-error-for=consent]').textContent = '';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.replaceChildren();
    const f = form.elements;
    if (!f.consent.checked) { showErrors(form, { consent: t('pub.form.need_consent') }); return; }
    const altcha = pow.payload();
    if (!altcha) { alert.append(alertBox(t(window.isSecureContext ? 'pub.form.need_verify' : 'pub.form.insecure'), 'warn')); return; }
    const body = {
      name: f.name.value, phone: f.phone.value, consent: true, altcha, website: f.website.value,
      organization: f.organization.value,
    };
    if (f.id_number.value.trim()) body.id_number = f.id_number.value;
    submit.disabled = true;
    try {
      const ticket = await post(`/public/events/${ev.id}/signups`, body);
      saveCode(ticket.code);
      go(`#/t/${ticket.code}`);
    } catch (err) {
      const rest = showErrors(form, err.fields);
      if (!(err instanceof ApiError) || err.status !== 422 || rest.length) alert.append(alertBox([errorText(err), ...rest].join(' ')));
      // Refused before the check was spent (422, 404) keeps the solution; anything else needs a new one.
      if (!(err instanceof ApiError) || ![422, 404].includes(err.status)) pow.fresh();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export async function signupView(root, id) {
  root.append(backLink());
  const wait = root.appendChild(loading());
  try {
    const { items } = await get('/public/events');
    wait.remove();
    const ev = items.find((x) => x.id === id);
    if (!ev) { root.append(alertBox(t('error.not_found'))); return; }
    root.append(h('div', { class: 'p-card' }, ...eventLines(ev), closesLine(ev)), buildForm(ev));
  } catch (e) {
    wait.remove();
    root.append(alertBox(errorText(e)));
  }
}
