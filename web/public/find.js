// "Find my ticket": the phone number and the full name given at sign-up; the answers are
// masked but carry the code, so the QR code shows again.
import { h } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';
import { post } from '../shared/api.js';
import { alertBox, backLink, errorText, saveCode } from './common.js';
import { ticketCard } from './ticket.js';

export function findView(root) {
  const results = h('div', { class: 'p-results' });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, t('pub.find.submit'));
  const form = h('form', { class: 'p-card', novalidate: true },
    h('h2', {}, t('pub.find.title')),
    h('p', { class: 'p-meta' }, t('pub.find.hint')),
    h('label', { class: 'p-field', for: 'f-phone' }, h('span', {}, t('pub.form.phone')),
      h('input', { type: 'tel', id: 'f-phone', name: 'phone', inputmode: 'numeric', maxlength: 20, autocomplete: 'tel' })),
    h('label', { class: 'p-field', for: 'f-name' }, h('span', {}, t('pub.form.name')),
      h('input', { type: 'text', id: 'f-name', name: 'name', maxlength: 50, autocomplete: 'name' })),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    results.replaceChildren();
    try {
      const { items } = await post('/public/find', { phone: form.elements.phone.value, name: form.elements.name.value });
      if (!items.length) results.append(alertBox(t('pub.find.none'), 'warn'));
      for (const ticket of items) {
        saveCode(ticket.code);
        results.append(ticketCard(ticket));
      }
    } catch (err) {
      const fields = Object.values(err.fields || {});
      results.append(alertBox([errorText(err), ...fields.map(localize)].join(' ')));
    } finally {
      submit.disabled = false;
    }
  });
  root.append(backLink(), form, results);
}
