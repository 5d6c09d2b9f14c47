// The programme report for the commission (admin): the figures of GET /api/v1/report, laid
// out to print on A4, with the same data as an Excel workbook to download.
import { get, ApiError } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { t, langSwitch, onLangChange } from '../shared/i18n.js';
import { fmt } from '../shared/format.js';
import { overview, eventsTable, unitsTable, servicesTable, departmentsTable } from './tables.js';

const root = document.getElementById('report');
let report = null;

function toolbar() {
  return h('nav', { class: 'r-toolbar no-print' },
    h('a', { class: 'btn', href: '/' }, `← ${t('report.back')}`),
    h('span', { class: 'r-spacer' }),
    langSwitch('btn lang-switch'),
    h('a', { class: 'btn', href: '/api/v1/report.xlsx', download: 'qiandao-report.xlsx', dataset: { action: 'xlsx' } }, t('report.download')),
    h('button', { class: 'btn btn-primary', type: 'button', dataset: { action: 'print' }, onclick: () => window.print() }, t('report.print')));
}

function notice(text, action) {
  root.replaceChildren(h('div', { class: 'r-notice' }, h('p', {}, text), action || null));
}

function render() {
  const r = report;
  document.title = `${t('report.title')} · ${r.programme?.title || ''}`;
  root.replaceChildren(
    toolbar(),
    h('article', { class: 'r-paper' },
      h('header', { class: 'r-head' },
        h('p', { class: 'r-kicker' }, t('report.title')),
        h('h1', {}, r.programme?.title || ''),
        r.programme?.theme ? h('p', { class: 'r-theme' }, r.programme.theme) : null,
        h('p', { class: 'r-generated' }, t('report.generated', { time: fmt(r.generated_at, 'long') + ' ' + fmt(r.generated_at, 'time') }))),
      overview(r), eventsTable(r), unitsTable(r), servicesTable(r), departmentsTable(r)));
}

async function boot() {
  try {
    const me = (await get('/me')).user;
    if (me.role !== 'admin') { notice(t('error.admin_only'), h('a', { class: 'btn', href: '/' }, t('report.back'))); return; }
    report = await get('/report');
    render();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      notice(t('report.sign_in'), h('a', { class: 'btn btn-primary', href: `/?next=${encodeURIComponent('/report')}`, dataset: { action: 'sign-in' } }, t('report.sign_in_go')));
    } else if (e instanceof ApiError && e.status === 403) {
      notice(t('error.admin_only'));
    } else {
      notice(t('error.network'), h('button', { class: 'btn', type: 'button', onclick: boot }, t('common.retry')));
    }
  }
}

onLangChange(() => { if (report) render(); });
boot();
