// An .xlsx chosen for an import becomes the CSV text the server's importer already reads
// (UTF-8 with BOM): the first sheet, each cell as its text. exceljs is loaded only here,
// the first time an Excel file is picked, so no other page pays for it.
let loading = null;

function loadExcelJS() {
  if (window.ExcelJS) return Promise.resolve(window.ExcelJS);
  loading ||= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/web/vendor/exceljs/dist/exceljs.min.js';
    s.onload = () => (window.ExcelJS ? resolve(window.ExcelJS) : reject(new Error('exceljs did not load')));
    s.onerror = () => { loading = null; reject(new Error('exceljs did not load')); };
    document.head.append(s);
  });
  return loading;
}

// A cell as the text a person sees: whole numbers with every digit (a phone typed as a
// number is 13800138000, not 1.38E+10), rich text joined, a formula's result.
function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const isXlsx = (file) => /\.xlsx$/i.test(file.name) || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The workbook's bytes → CSV bytes (ArrayBuffer) for the existing import endpoints.
export async function xlsxToCsv(buffer) {
  const ExcelJS = await loadExcelJS();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer);
  const ws = wb.worksheets[0];
  const lines = [];
  if (ws) {
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells = [];
      for (let c = 1; c <= ws.columnCount; c += 1) cells.push(quote(cellText(row.getCell(c).value).trim()));
      lines[n - 1] = cells.join(',');
    });
  }
  const text = `\uFEFF${Array.from(lines, (l) => l ?? '').join('\r\n')}\r\n`;
  return new TextEncoder().encode(text).buffer;
}
