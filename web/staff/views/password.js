// Change my own password (every signed-in user): the current one first; my sessions on
// other devices end, this one stays.
import { post } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { field, input, showFieldErrors, setAlert, errorText, busy, pageHead, toast } from '../ui.js';
import { handleAuthError } from '../session.js';

export function passwordView({ root }) {
  const alert = h('div', { class: 'alert-slot' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, t('password.save'));
  const pw = (id, autocomplete) => input({ id, type: 'password', autocomplete, maxlength: 1024 });
  const form = h('form', { class: 'card users-form', novalidate: true, dataset: { form: 'own-password' } },
    alert,
    field({ name: 'current_password', label: t('password.current'), input: pw('pw-current', 'current-password') }),
    field({ name: 'new_password', label: t('password.new'), hint: t('users.password_hint'), input: pw('pw-new', 'new-password') }),
    field({ name: 'repeat', label: t('password.repeat'), input: pw('pw-repeat', 'new-password') }),
    h('div', { class: 'form-actions' }, submit));
  root.append(pageHead(t('password.title'), { sub: t('password.sub') }), form);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const f = form.elements;
    if (f.new_password.value.length < 10) { showFieldErrors(form, { new_password: t('users.password_short') }); return; }
    if (f.new_password.value !== f.repeat.value) { showFieldErrors(form, { repeat: t('password.mismatch') }); return; }
    busy(submit, async () => {
      try {
        await post('/me/password', { current_password: f.current_password.value, new_password: f.new_password.value });
        form.reset();
        toast(t('password.done'));
      } catch (err) {
        if (handleAuthError(err)) return;
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });
}
