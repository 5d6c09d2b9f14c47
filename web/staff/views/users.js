// Accounts (admin): the list, and a new account — most often a judge (裁判) for a skill
// competition, who signs in on /judge and may only read competitions and enter scores.
import { get, post } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy, pageHead, loading, alertBox, toast } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const ROLES = ['judge', 'staff', 'admin'];

export async function usersView({ root }) {
  root.append(pageHead(t('users.title'), { sub: t('users.sub') }));
  if (!isAdmin()) { root.append(alertBox(t('error.admin_only'))); return; }
  const alert = h('div', { class: 'alert-slot' });
  const listSlot = h('div', {}, loading());
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, t('users.create'));
  const form = h('form', { class: 'card users-form', novalidate: true, dataset: { form: 'new-user' } },
    alert,
    field({ name: 'username', label: t('login.username'), input: input({ id: 'user-name', maxlength: 50, autocomplete: 'off' }) }),
    field({ name: 'password', label: t('login.password'), hint: t('users.password_hint'), input: input({ id: 'user-password', type: 'password', autocomplete: 'new-password', minlength: 10 }) }),
    field({ name: 'role', label: t('users.role'), input: select(ROLES.map((r) => [r, t(`role.${r}`)]), { id: 'user-role', value: 'judge' }) }),
    h('div', { class: 'form-actions' }, submit));
  root.append(form, h('h2', { class: 'section-title' }, t('users.list')), listSlot);

  async function loadList() {
    try {
      const data = await get('/users');
      const items = data.items || data.users || [];
      replace(listSlot, items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table users-table' },
        h('thead', {}, h('tr', {}, [t('login.username'), t('users.role'), t('devices.created')].map((x) => h('th', {}, x)))),
        h('tbody', {}, items.map((u) => h('tr', { dataset: { userId: u.id, username: u.username } },
          h('td', {}, u.username),
          h('td', {}, h('span', { class: `badge badge-role-${u.role}` }, t(`role.${u.role}`))),
          h('td', { class: 'muted' }, u.created_at ? fmt(u.created_at) : '—')))))) : h('div', { class: 'empty' }, t('users.none')));
    } catch (e) {
      if (!handleAuthError(e)) replace(listSlot, alertBox(errorText(e)));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const f = form.elements;
    const body = { username: f.username.value.trim(), password: f.password.value, role: f.role.value };
    if (body.password.length < 10) { showFieldErrors(form, { password: t('users.password_short') }); return; }
    busy(submit, async () => {
      try {
        const u = await post('/users', body);
        toast(t('users.created', { name: u.username, role: t(`role.${u.role}`) }));
        form.reset();
        f.role.value = 'judge';
        loadList();
      } catch (err) {
        if (handleAuthError(err)) return;
        if (err.code === 'duplicate') { showFieldErrors(form, { username: t('users.duplicate') }); return; }
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });
  loadList();
}
