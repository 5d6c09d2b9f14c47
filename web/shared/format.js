// Times and numbers as people at the venue read them: always Beijing time, whatever the
// device's own zone, because every event happens there.
import { getLang, t } from './i18n.js';

const ZONE = 'Asia/Shanghai';
const cache = new Map();

function formatter(kind) {
  const key = `${getLang()}:${kind}`;
  if (!cache.has(key)) {
    const locale = getLang() === 'zh' ? 'zh-CN' : 'en-GB';
    const opts = {
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      seconds: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
      date: { year: 'numeric', month: '2-digit', day: '2-digit' },
      datetime: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      long: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' },
    }[kind];
    cache.set(key, new Intl.DateTimeFormat(locale, { timeZone: ZONE, ...opts }));
  }
  return cache.get(key);
}

export function toDate(value) {
  if (value instanceof Date) return value;
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmt(value, kind = 'datetime') {
  const d = toDate(value);
  return d ? formatter(kind).format(d) : '';
}

export const fmtTime = (v) => fmt(v, 'time');
export const fmtDate = (v) => fmt(v, 'date');

export function fmtRange(start, end) {
  const s = toDate(start), e = toDate(end);
  if (!s) return '';
  if (!e) return fmt(s, 'datetime');
  const sameDay = fmt(s, 'date') === fmt(e, 'date');
  return sameDay ? `${fmt(s, 'date')} ${fmt(s, 'time')}–${fmt(e, 'time')}` : `${fmt(s, 'datetime')} – ${fmt(e, 'datetime')}`;
}

export function fmtNumber(n) {
  return Number(n || 0).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB');
}

// "2024-08-19T14:00" in Beijing time, for <input type="datetime-local">.
export function toLocalInput(value) {
  const d = toDate(value);
  if (!d) return '';
  const shifted = new Date(d.getTime() + 8 * 3600 * 1000);
  return shifted.toISOString().slice(0, 16);
}

// And back: the input's wall-clock time read as Beijing time, in RFC 3339.
export function fromLocalInput(value) {
  if (!value) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

export function kindLabel(kind) { return t(`kind.${kind}`); }
export function statusLabel(status) { return t(`status.${status}`); }
export function categoryLabel(cat) {
  const key = `category.${cat}`;
  const s = t(key);
  return s === key ? cat : s;
}

// Capacity as "180 / 260", or "180" with "不限" when unlimited.
export function capacityText(registered, capacity) {
  return capacity === null || capacity === undefined
    ? `${fmtNumber(registered)} / ${t('capacity.unlimited')}`
    : `${fmtNumber(registered)} / ${fmtNumber(capacity)}`;
}

export const UNIT_KINDS = ['hospital', 'community', 'cdc', 'office', 'group', 'other'];
export function unitKindLabel(kind) { return t(`unitkind.${kind}`); }

// A rate the server gives as a fraction (0.85) as "85.0%"; null (nothing to divide by) as "—".
export function fmtRate(rate, digits = 1) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—';
  return `${(Number(rate) * 100).toFixed(digits)}%`;
}

// Competition points: at most two decimals, always shown with two ("85.50").
export function fmtPoints(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '—';
  return Number(v).toFixed(2);
}

// A typed score read against the item's maximum: {value} or {error} (a strings.js key).
export function parsePoints(text, max) {
  const s = String(text ?? '').trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace('。', '.');
  if (!s) return { error: 'score.err_empty' };
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(s)) return { error: /^\d+\.\d{3,}$/.test(s) ? 'score.err_decimals' : 'score.err_number' };
  const value = Number(s);
  if (max !== undefined && max !== null && value > Number(max)) return { error: 'score.err_max' };
  return { value };
}
