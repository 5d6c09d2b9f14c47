// CSV (or .xlsx, turned into CSV in the page) import in two steps: a dry run shows what would land and every bad line by number,
// then the same file is sent for real. The file goes as raw bytes, so GB18030 from Excel
// reaches the server untouched.
import { api } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t, localize } from '../../shared/i18n.js';
import { fmtNumber } from '../../shared/format.js';
import { withEvent, refreshEventHeader } from './event_chrome.js';
import { alertBox, errorText, busy, loading } from '../ui.js';
import { handleAuthError } from '../session.js';
import { isXlsx, xlsxToCsv } from '../xlsx_csv.js';

const MAX_BYTES = 16 * 1024 * 1024;

function templateLink() {
  // UTF-8 with BOM, so Excel opens the Chinese headers correctly.
  const csv = '\uFEFF姓名,手机号,工作单位,类别,身份证号\r\n张三,13800138000,青浦区示范第一医院,doctor,\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  return h('a', { href: url, download: 'qiandao-import-template.csv', class: 'btn btn-small' }, t('import.template'));
}

const FIELD_LABELS = { kind: 'units.f.kind', parent: 'units.f.parent', name: 'reg.f.name', phone: 'reg.f.phone', organization: 'reg.f.organization', category: 'reg.f.category', id_number: 'reg.id_number' };

// "提交的内容有误；phone: 请填写…" → "手机号：请填写…": the field by its label, no generic lead-in.
function reason(text) {
  const parts = localize(text).split(/；|; /);
  const detailed = parts.filter((p) => /^[a-z_]+: /.test(p));
  return (detailed.length ? detailed : parts)
    .map((p) => p.replace(/^([a-z_]+): /, (m, f) => (FIELD_LABELS[f] ? `${t(FIELD_LABELS[f])}：` : m)))
    .join('；');
}

export function importStat(value, label, cls) {
  return h('div', { class: `report-stat ${cls}` }, h('strong', {}, fmtNumber(value)), h('span', {}, label));
}

// The bad lines of an import answer, by line number, or nothing when there are none.
export function rejectedTable(r) {
  return r.rejected.length ? h('div', { class: 'table-wrap' },
    h('table', { class: 'table rejected-lines' },
      h('caption', {}, r.dry_run ? t('import.rejected_caption_dry') : t('import.rejected_caption')),
      h('thead', {}, h('tr', {}, h('th', {}, t('import.line')), h('th', {}, t('import.reason')))),
      h('tbody', {}, r.rejected.map((x) => h('tr', { dataset: { line: x.line } },
        h('td', { class: 'num' }, t('import.line_n', { n: x.line })), h('td', {}, reason(x.reason))))))) : null;
}

function report(r) {
  return h('div', { class: 'report', dataset: { accepted: r.accepted, rejected: r.rejected.length } },
    h('div', { class: 'report-stats' },
      importStat(r.accepted, r.dry_run ? t('import.will_accept') : t('import.accepted'), 'ok'),
      importStat(r.waitlisted, t('import.waitlisted'), 'warn'),
      importStat(r.rejected.length, t('import.rejected'), r.rejected.length ? 'bad' : '')),
    rejectedTable(r));
}

// The file picker both CSV imports use: size-checked, read whole, then `onLoaded(bytes)`.
export function csvFilePicker(out, onLoaded) {
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', id: 'import-file', class: 'file-input' });
  const fileName = h('span', { class: 'file-name muted' }, t('import.no_file'));
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    replace(out);
    if (!file) return;
    fileName.textContent = `${file.name} · ${fmtNumber(Math.ceil(file.size / 1024))} KB`;
    if (file.size > MAX_BYTES) { replace(out, alertBox(t('import.too_large'))); return; }
    if (!isXlsx(file)) { onLoaded(await file.arrayBuffer()); return; }
    replace(out, loading());
    try {
      onLoaded(await xlsxToCsv(await file.arrayBuffer()));
    } catch (e) {
      replace(out, alertBox(`${t('import.xlsx_failed')}: ${e.message}`));
    }
  });
  const reset = () => { fileInput.value = ''; fileName.textContent = t('import.no_file'); replace(out); };
  return { fileInput, fileName, reset };
}

// A dry run shown as a preview, with the button that commits it: `dryRun()` answers the
// report, `count(r)` how many lines would be written, `commitLabel(n)` the button's text.
export async function showImportPreview(out, { dryRun, report, count, commitLabel, commit }) {
  replace(out, loading());
  try {
    const r = await dryRun();
    const n = count(r);
    const go = h('button', { class: 'btn btn-primary', type: 'button', disabled: n === 0, dataset: { action: 'commit-import' } },
      commitLabel(n));
    go.addEventListener('click', () => commit(go));
    replace(out,
      h('h2', { class: 'section-title' }, t('import.preview')),
      report(r),
      h('div', { class: 'form-actions' }, go,
        r.rejected.length ? h('span', { class: 'muted' }, t('import.skip_note')) : null));
  } catch (e) {
    if (!handleAuthError(e)) replace(out, alertBox(e.status === 413 ? t('import.too_large') : errorText(e)));
  }
}

export async function importView({ root, params }) {
  const ev = await withEvent(root, params.id, 'import');
  if (!ev) return;
  const out = h('div', { class: 'import-out' });
  let bytes = null;

  const send = async (dryRun) => {
    const { data } = await api(`/events/${ev.id}/registrations/import${dryRun ? '?dry_run=1' : ''}`,
      { method: 'POST', raw: bytes, contentType: 'text/csv', timeout: 120000 });
    return data;
  };

  const commit = async (button) => busy(button, async () => {
    try {
      const r = await send(false);
      refreshEventHeader(root, ev.id, 'import');
      replace(out,
        alertBox(t('import.done', { n: r.accepted }), 'ok'),
        report(r),
        h('div', { class: 'form-actions' },
          h('a', { class: 'btn btn-primary', href: `#/events/${ev.id}` }, t('import.view_list')),
          h('button', { class: 'btn', type: 'button', onclick: () => { bytes = null; picker.reset(); } }, t('import.another'))));
    } catch (e) {
      if (!handleAuthError(e)) out.prepend(alertBox(errorText(e)));
    }
  });

  const picker = csvFilePicker(out, (b) => {
    bytes = b;
    showImportPreview(out, {
      dryRun: () => send(true), report, count: (r) => r.accepted,
      commitLabel: (n) => t('import.commit', { n }), commit,
    });
  });
  const { fileInput, fileName } = picker;

  root.append(h('section', { class: 'card' },
    h('h2', { class: 'section-title' }, t('import.title')),
    h('p', {}, t('import.help')),
    h('ul', { class: 'help-list' },
      h('li', {}, t('import.help_columns')),
      h('li', {}, t('import.help_encoding')),
      h('li', {}, t('import.help_xlsx')),
      h('li', {}, t('import.help_dry'))),
    h('div', { class: 'file-row' },
      h('label', { for: 'import-file', class: 'btn btn-primary' }, t('import.choose')),
      fileInput, fileName, templateLink()),
    out));
}
