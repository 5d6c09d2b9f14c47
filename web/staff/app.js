// The staff app: sign-in, then a header and hash-routed views.
import { get, post } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { createRouter } from './router.js';
import { session, setUser, onUserChange, isAdmin } from './session.js';
import { loginView } from './views/login.js';
import { eventsView } from './views/events.js';
import { eventFormView } from './views/event_form.js';
import { eventView } from './views/event.js';
import { waitlistView } from './views/waitlist.js';
import { registerView } from './views/register.js';
import { importView } from './views/import.js';
import { printView } from './views/print.js';
import { registrationView } from './views/registration.js';
import { devicesView } from './views/devices.js';
import { unitsView } from './views/units.js';
import { unitImportView } from './views/unit_import.js';
import { eventUnitsView } from './views/event_units.js';
import { competitionView } from './views/competition.js';
import { compItemView } from './views/comp_item.js';
import { compResultsView } from './views/comp_results.js';
import { compPrintView } from './views/comp_print.js';
import { usersView } from './views/users.js';
import { auditView } from './views/audit.js';
import { passwordView } from './views/password.js';
import { conflictsView, openConflicts } from './views/door_conflicts.js';
import { errorText } from './ui.js';

const routes = [
  ['/', eventsView],
  ['/events/new', eventFormView],
  ['/events/:id', eventView],
  ['/events/:id/edit', eventFormView],
  ['/events/:id/waitlist', waitlistView],
  ['/events/:id/register', registerView],
  ['/events/:id/import', importView],
  ['/events/:id/print', printView],
  ['/events/:id/units', eventUnitsView],
  ['/events/:id/competition', competitionView],
  ['/events/:id/competition/items/:item', compItemView],
  ['/events/:id/competition/results', compResultsView],
  ['/events/:id/competition/print', compPrintView],
  ['/registrations/:id', registrationView],
  ['/devices', devicesView],
  ['/users', usersView],
  ['/units', unitsView],
  ['/units/import', unitImportView],
  ['/audit', auditView],
  ['/password', passwordView],
  ['/door', conflictsView],  // door (issue 11): 待处理 / needs attention
];

const app = document.getElementById('app');
const switcher = langSwitch('btn btn-quiet lang-switch');
let router = null;

function navLink(href, key, match) {
  return h('a', { href, class: 'nav-link', dataset: { match } }, t(key));
}

function header() {
  const user = session.user;
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '签'),
      h('span', { class: 'brand-text' }, h('strong', {}, t('app.name')), h('small', {}, t('app.staff_subtitle')))),
    h('nav', { class: 'nav', 'aria-label': t('nav.label') },
      navLink('#/', 'nav.events', 'events'),
      navLink('#/units', 'nav.units', 'units'),
      isAdmin() ? navLink('#/devices', 'nav.devices', 'devices') : null,
      isAdmin() ? navLink('#/users', 'nav.users', 'users') : null,
      isAdmin() ? navLink('#/audit', 'nav.audit', 'audit') : null,
      isAdmin() ? h('a', { href: '/report', class: 'nav-link', dataset: { action: 'report' } }, t('nav.report')) : null,
      h('a', { href: '/board', target: '_blank', rel: 'noopener', class: 'nav-link' }, t('nav.board'), ' ↗'),
      doorLink()),
    h('div', { class: 'topbar-right' },
      switcher,
      h('a', { class: 'user-chip', title: t('nav.password'), href: '#/password', dataset: { action: 'password' } },
        h('span', { class: 'user-name' }, user.username),
        h('span', { class: 'user-role' }, t(`role.${user.role}`))),
      h('button', { class: 'btn btn-quiet', type: 'button', onclick: signOut }, t('nav.sign_out'))));
}

// 待处理 / needs attention, with the number of open door conflicts (door, issue 11).
const conflictCount = h('span', { class: 'nav-count', hidden: true });
function showConflictCount(n) {
  conflictCount.hidden = !n;
  conflictCount.textContent = n ? String(n) : '';
}
document.addEventListener('qiandao:conflicts', (e) => showConflictCount(e.detail));
function doorLink() {
  openConflicts().then((n) => { if (n !== null) showConflictCount(n); });
  return h('a', { href: '#/door', class: 'nav-link', dataset: { match: 'door' } }, t('nav.door'), ' ', conflictCount);
}

function markNav(pattern) {
  const section = ['devices', 'units', 'users', 'audit', 'door'].find((s) => pattern.startsWith(`/${s}`)) || 'events';
  for (const a of app.querySelectorAll('.nav-link[data-match]')) a.classList.toggle('active', a.dataset.match === section);
}

function showShell() {
  const main = h('main', { class: 'main', id: 'main' });
  app.replaceChildren(header(), main);
  router?.stop();
  router = createRouter(routes, main, { onRoute: markNav });
  router.render();
}

function showLogin() {
  router?.stop();
  router = null;
  const box = h('div', { class: 'login-wrap' });
  app.replaceChildren(box);
  loginView(box, switcher);
}

async function signOut() {
  try { await post('/logout', {}); } catch { /* signed out locally either way */ }
  setUser(null);
}

// Signing in from the clinic desk, the report or the judge's page leads back there (only
// those pages). A judge has nothing to do in the staff app: their page is /judge.
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  if (['/desk', '/report', '/judge'].includes(next)) return next;
  return session.user?.role === 'judge' ? '/judge' : null;
}

function render() {
  if (session.user && nextPage()) { location.replace(nextPage()); return; }
  if (session.user) showShell();
  else showLogin();
}

async function boot() {
  try {
    const me = await get('/me');
    session.user = me.user.role === 'kiosk' ? null : me.user;
  } catch (e) {
    session.user = null;
    if (e.status !== 401) {
      app.replaceChildren(h('div', { class: 'boot-error alert alert-error' }, errorText(e),
        h('button', { class: 'btn', onclick: boot }, t('common.retry'))));
      return;
    }
  }
  render();
}

onUserChange(render);
onLangChange(render);
boot();
