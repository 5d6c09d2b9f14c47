// Language: zh-CN first, English on request; the choice is kept per browser.
// Every string lives in strings.js; this module only picks and fills them.
import { strings } from './strings.js';

const STORAGE_KEY = 'qiandao.lang';
const listeners = new Set();
let lang = readSaved();

function readSaved() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch { /* storage blocked: fall back to Chinese */ }
  return 'zh';
}

export function getLang() { return lang; }

export function setLang(next) {
  if (next !== 'zh' && next !== 'en') return;
  lang = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* not persisted, still switched */ }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// t('pager.total', {n: 3}) → "共 3 条"; a missing key shows itself, so it is noticed.
export function t(key, params) {
  const entry = strings[key];
  let text = entry ? (entry[lang === 'en' ? 1 : 0] ?? entry[0]) : key;
  if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return text;
}

// The server writes messages as "中文 / English", several joined by "；", each perhaps led by
// a field name ("phone: 请填写… / enter…"): keep the half for the current language.
export function localize(message) {
  if (typeof message !== 'string') return '';
  return message.split('；').map((part) => {
    const m = /^([a-z_]+): (.*)$/s.exec(part);
    const [prefix, text] = m ? [`${m[1]}: `, m[2]] : ['', part];
    const cut = text.indexOf(' / ');
    if (cut < 0) return part;
    return prefix + (lang === 'zh' ? text.slice(0, cut) : text.slice(cut + 3));
  }).join(lang === 'zh' ? '；' : '; ');
}

// Fills [data-i18n] text and [data-i18n-attr="placeholder:key"] attributes in static HTML.
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

// A button that flips between 中文 and English.
export function langSwitch(className = 'lang-switch') {
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = className;
  const paint = () => {
    btn.textContent = lang === 'zh' ? 'English' : '中文';
    btn.setAttribute('aria-label', lang === 'zh' ? 'Switch to English' : '切换到中文');
    btn.lang = lang === 'zh' ? 'en' : 'zh-CN';
  };
  btn.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
  onLangChange(paint);
  paint();
  return btn;
}

document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
