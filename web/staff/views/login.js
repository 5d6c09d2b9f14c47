// Sign-in card. A successful sign-in hands the user to the session, which redraws the app.
import { get, post } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { setUser } from '../session.js';
import { field, input, setAlert, errorText, showFieldErrors, busy } from '../ui.js';

export function loginView(box, switcher) {
  const alert = h('div', { class: 'alert-slot' });
  const user = input({ autocomplete: 'username', required: true, autofocus: true });
  const pass = input({ type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, t('login.submit'));
  const programme = h('p', { class: 'login-programme' });
  const form = h('form', { class: 'login-form', novalidate: true },
    alert,
    field({ name: 'username', label: t('login.username'), input: user }),
    field({ name: 'password', label: t('login.password'), input: pass }),
    submit);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setAlert(alert, '');
    busy(submit, async () => {
      try {
        const res = await post('/login', { username: user.value.trim(), password: pass.value });
        setUser(res.user);
      } catch (e) {
        const rest = showFieldErrors(form, e.fields);
        if (e.code === 'rate_limited' || e.code === 'busy') setAlert(alert, t('login.rate_limited', { s: e.retryAfter || 30 }));
        else if (e.code === 'bad_credentials') { setAlert(alert, t('login.bad_credentials')); pass.select(); }
        else if (!Object.keys(e.fields || {}).length || rest.length) setAlert(alert, errorText(e));
      }
    });
  });

  box.append(
    h('div', { class: 'login-top' }, switcher),
    h('section', { class: 'login-card' },
      h('div', { class: 'login-brand' },
        h('span', { class: 'brand-mark big', 'aria-hidden': 'true' }, '签'),
        h('div', {}, h('h1', {}, t('app.name')), h('p', { class: 'muted' }, t('login.tagline')))),
      programme,
      form),
    h('p', { class: 'login-foot muted' }, t('login.footer')));

  get('/programme').then((p) => { programme.textContent = p.title || ''; }).catch(() => {});
  user.focus();
}
