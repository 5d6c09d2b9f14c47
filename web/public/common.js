// Small pieces the public views share: errors as text, saved ticket codes, event lines.
import { h } from '../shared/dom.js';
import { t, getLang } from '../shared/i18n.js';
import { ApiError, NetworkError } from '../shared/api.js';
import { fmtRange, fmt, kindLabel } from '../shared/format.js';

export function errorText(e) {
  if (e instanceof NetworkError) return t('error.network');
  if (e instanceof ApiError) {
    if (e.status === 429 && e.retryAfter) return t('pub.form.retry_after', { n: e.retryAfter });
    return e.message || t('error.generic');
  }
  return t('error.generic');
}

export function alertBox(message, kind = 'error') {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}

export function loading() {
  return h('div', { class: 'loading' }, h('span', { class: 'spinner' }), t('common.loading'));
}

// The event in a few lines: title, kind and time, venue.
export function eventLines(ev) {
  return [
    h('h2', {}, ev.title),
    h('p', { class: 'p-meta' }, `${kindLabel(ev.kind)} · ${fmtRange(ev.starts_at, ev.ends_at)}`),
    ev.venue ? h('p', { class: 'p-meta' }, ev.venue) : null,
  ];
}

export function closesLine(ev) { return h('p', { class: 'p-meta' }, t('pub.closes', { at: fmt(ev.closes_at) })); }

// Codes of the tickets signed up for on this phone, newest first (only the codes: the
// server answers the rest, masked).
const KEY = 'qiandao.public.tickets';
export function savedCodes() {
  try { return JSON.parse(localStorage.getItem(KEY) || '[]').filter((c) => typeof c === 'string'); } catch { return []; }
}
export function saveCode(code) {
  const codes = [code, ...savedCodes().filter((c) => c !== code)].slice(0, 10);
  try { localStorage.setItem(KEY, JSON.stringify(codes)); } catch { /* private mode: not kept */ }
}

export function isZh() { return getLang() === 'zh'; }

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new Event('qiandao:route'));
  else location.hash = hash;
}

export function backLink(hash = '#/') {
  return h('a', { class: 'btn btn-quiet', href: hash, dataset: { action: 'back' } }, `‹ ${t('pub.back')}`);
}
