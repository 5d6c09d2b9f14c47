// Accounts (admin): the list, and a new account — most often a judge (裁判) for a skill
// competition, who signs in on /judge and may only read competitions and enter scores —
// and, for each account, disable / enable (signs them out everywhere) and a password reset.
import { get, post, patch } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy, pageHead, loading, alertBox, toast, confirmAction, promptText } from '../ui.js';
import { isAdmin, handleAuthError, session } from '../session.js';

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
        h('thead', {}, h('tr', {}, [t('login.username'), t('users.role'), t('users.state'), t('devices.created'), t('users.actions')].map((x) => h('th', {}, x)))),
        h('tbody', {}, items.map(userRow)))) : h('div', { class: 'empty' }, t('users.none')));
    } catch (e) {
      if (!handleAuthError(e)) replace(listSlot, alertBox(errorText(e)));
    }
  }

  // One account's line: its state and what an admin may do with it.
  function userRow(u) {
    const me = u.id === session.user?.id || u.username === session.user?.username;
    const act = (button, work, done) => busy(button, async () => {
      try {
        await work();
        toast(done);
        loadList();
      } catch (err) {
        if (!handleAuthError(err)) toast(errorText(err), 'error');
      }
    });
    const toggle = h('button', { class: `btn btn-small ${u.disabled ? '' : 'btn-warn'}`, type: 'button', disabled: me, dataset: { action: u.disabled ? 'enable' : 'disable' } },
      u.disabled ? t('users.enable') : t('users.disable'));
    toggle.onclick = async () => {
      if (u.disabled) { act(toggle, () => patch(`/users/${u.id}`, { disabled: false }), t('users.enabled_done', { name: u.username })); return; }
      if (await confirmAction({ title: t('users.disable_q', { name: u.username }), body: t('users.disable_body'), ok: t('users.disable'), danger: true }))
        act(toggle, () => patch(`/users/${u.id}`, { disabled: true }), t('users.disabled_done', { name: u.username }));
    };
    const reset = h('button', { class: 'btn btn-small', type: 'button', dataset: { action: 'reset' } }, t('users.reset'));
    reset.onclick = async () => {
      const pw = await promptText({ title: t('users.reset_q', { name: u.username }), label: t('password.new'), placeholder: t('users.password_hint'), ok: t('users.reset'), maxlength: 1024 });
      if (pw) act(reset, () => post(`/users/${u.id}/password`, { password: pw }), t('users.reset_done', { name: u.username }));
    };
    return h('tr', { dataset: { userId: u.id, username: u.username, disabled: u.disabled ? 'yes' : 'no' } },
      h('td', {}, u.username, me ? h('small', { class: 'muted' }, ` ${t('users.you')}`) : null),
      h('td', {}, h('span', { class: `badge badge-role-${u.role}` }, t(`role.${u.role}`))),
      h('td', {}, h('span', { class: `badge ${u.disabled ? 'badge-cancelled' : 'badge-confirmed'}` }, u.disabled ? t('users.disabled') : t('users.active'))),
      h('td', { class: 'muted' }, u.created_at ? fmt(u.created_at) : '—'),
      h('td', { class: 'row-actions' }, toggle, ' ', reset));
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
