// Units from CSV (admin), in the same two steps as the registration import: a dry run that
// lists every bad line by number, then the same bytes for real.
import { api } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmtNumber } from '../../shared/format.js';
import { importStat, rejectedTable, csvFilePicker, showImportPreview } from './import.js';
import { alertBox, errorText, busy, pageHead } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

function templateLink() {
  const csv = '\uFEFF名称,类型,上级单位\r\n青浦区示范医疗集团,医联体,\r\n青浦区示范第一医院,医院,青浦区示范医疗集团\r\n湖滨社区卫生服务中心,社区卫生服务中心,\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  return h('a', { href: url, download: 'qiandao-units-template.csv', class: 'btn btn-small' }, t('import.template'));
}

function report(r) {
  return h('div', { class: 'report', dataset: { accepted: r.accepted, updated: r.updated, rejected: r.rejected.length } },
    h('div', { class: 'report-stats' },
      importStat(r.accepted, r.dry_run ? t('import.will_accept') : t('import.accepted'), 'ok'),
      importStat(r.updated, t('units.import_updated'), 'warn'),
      importStat(r.rejected.length, t('import.rejected'), r.rejected.length ? 'bad' : '')),
    rejectedTable(r));
}

export async function unitImportView({ root }) {
  root.append(pageHead(t('units.import_title'), { back: { href: '#/units', label: t('units.title') } }));
  if (!isAdmin()) { root.append(alertBox(t('error.admin_only'))); return; }
  const out = h('div', { class: 'import-out' });
  let bytes = null;

  const send = async (dryRun) => (await api(`/units/import${dryRun ? '?dry_run=1' : ''}`,
    { method: 'POST', raw: bytes, contentType: 'text/csv', timeout: 120000 })).data;

  const commit = (button) => busy(button, async () => {
    try {
      const r = await send(false);
      replace(out, alertBox(t('units.import_done', { a: fmtNumber(r.accepted), u: fmtNumber(r.updated) }), 'ok'), report(r),
        h('div', { class: 'form-actions' }, h('a', { class: 'btn btn-primary', href: '#/units' }, t('units.view_list'))));
    } catch (e) {
      if (!handleAuthError(e)) out.prepend(alertBox(errorText(e)));
    }
  });

  const { fileInput, fileName } = csvFilePicker(out, (b) => {
    bytes = b;
    showImportPreview(out, {
      dryRun: () => send(true), report, count: (r) => r.accepted + r.updated,
      commitLabel: (n) => t('units.import_commit', { n }), commit,
    });
  });

  root.append(h('section', { class: 'card' },
    h('p', {}, t('import.help')),
    h('ul', { class: 'help-list' }, h('li', {}, t('units.import_columns')), h('li', {}, t('units.import_update')), h('li', {}, t('import.help_encoding')), h('li', {}, t('import.help_xlsx'))),
    h('div', { class: 'file-row' },
      h('label', { for: 'import-file', class: 'btn btn-primary' }, t('import.choose')),
      fileInput, fileName, templateLink()),
    out));
}
