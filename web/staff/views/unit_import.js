// Units from CSV (admin), in the same two steps as the registration import: a dry run that
// lists every bad line by number, then the same bytes for real.
import { api } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmtNumber } from '../../shared/format.js';
import { importStat, rejectedTable } from './import.js';
import { alertBox, errorText, busy, loading, pageHead } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const MAX_BYTES = 16 * 1024 * 1024;

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
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv', id: 'import-file', class: 'file-input' });
  const fileName = h('span', { class: 'file-name muted' }, t('import.no_file'));
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

  const preview = async () => {
    replace(out, loading());
    try {
      const r = await send(true);
      const n = r.accepted + r.updated;
      const go = h('button', { class: 'btn btn-primary', type: 'button', disabled: n === 0, dataset: { action: 'commit-import' } }, t('units.import_commit', { n }));
      go.addEventListener('click', () => commit(go));
      replace(out, h('h2', { class: 'section-title' }, t('import.preview')), report(r),
        h('div', { class: 'form-actions' }, go, r.rejected.length ? h('span', { class: 'muted' }, t('import.skip_note')) : null));
    } catch (e) {
      if (!handleAuthError(e)) replace(out, alertBox(e.status === 413 ? t('import.too_large') : errorText(e)));
    }
  };

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    replace(out);
    if (!file) return;
    fileName.textContent = `${file.name} · ${fmtNumber(Math.ceil(file.size / 1024))} KB`;
    if (file.size > MAX_BYTES) { replace(out, alertBox(t('import.too_large'))); return; }
    bytes = await file.arrayBuffer();
    preview();
  });

  root.append(h('section', { class: 'card' },
    h('p', {}, t('import.help')),
    h('ul', { class: 'help-list' }, h('li', {}, t('units.import_columns')), h('li', {}, t('units.import_update')), h('li', {}, t('import.help_encoding'))),
    h('div', { class: 'file-row' },
      h('label', { for: 'import-file', class: 'btn btn-primary' }, t('import.choose')),
      fileInput, fileName, templateLink()),
    out));
}
