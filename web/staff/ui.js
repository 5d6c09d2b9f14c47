// Small pieces every staff view uses: form fields with their error slot, badges, toasts,
// a confirm dialog and the way an error is shown.
import { h, clear } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';
import { ApiError, NetworkError } from '../shared/api.js';

export function field({ name, label, input, hint, wide }) {
  input.name = name;
  input.id ||= `f-${name}`;
  const error = h('span', { class: 'field-error', id: `${input.id}-err`, 'aria-live': 'polite', dataset: { errorFor: name } });
  input.setAttribute('aria-describedby', error.id);
  return h('div', { class: `field${wide ? ' wide' : ''}` },
    h('label', { for: input.id, class: 'field-label' }, label),
    input,
    hint ? h('span', { class: 'field-hint' }, hint) : null,
    error);
}

export function input(props) { return h('input', { type: 'text', autocomplete: 'off', ...props }); }

export function select(options, props = {}) {
  return h('select', props, options.map(([value, label]) => h('option', { value }, label)));
}

// Puts the server's `fields` messages under their inputs; returns the ones with no input.
export function showFieldErrors(form, fields = {}) {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const leftover = [];
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const slot = form.querySelector(`.field-error[data-error-for="${CSS.escape(name)}"]`);
    if (!slot) { leftover.push(localize(message)); continue; }
    slot.textContent = localize(message);
    const el = form.elements[name];
    if (el) { el.setAttribute('aria-invalid', 'true'); first ||= el; }
  }
  first?.focus();
  return leftover;
}

export function errorText(e) {
  if (e instanceof NetworkError) return t('error.network');
  if (e instanceof ApiError) {
    if (e.status === 403) return t('error.forbidden');
    if (e.status === 404) return t('error.not_found');
    return e.message || t('error.generic');
  }
  return t('error.generic');
}

export function alertBox(message, kind = 'error') {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}

export function setAlert(slot, message, kind = 'error') {
  clear(slot);
  if (message) slot.append(alertBox(message, kind));
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, t(`status.${status}`));
}

export function checkedBadge(at) {
  return at ? h('span', { class: 'badge badge-checked' }, t('reg.checked_in')) : null;
}

export function loading() {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner' }), t('common.loading'));
}

export function pageHead(title, { sub, actions = [], back } = {}) {
  return h('header', { class: 'page-head' },
    h('div', { class: 'page-head-text' },
      back ? h('a', { class: 'back-link', href: back.href }, `← ${back.label}`) : null,
      h('h1', {}, title),
      sub ? h('p', { class: 'page-sub' }, sub) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

let toastRoot;
export function toast(message, kind = 'ok') {
  toastRoot ||= document.body.appendChild(h('div', { class: 'toasts', 'aria-live': 'polite' }));
  const el = h('div', { class: `toast toast-${kind}` }, message);
  toastRoot.append(el);
  setTimeout(() => el.classList.add('leaving'), 3200);
  setTimeout(() => el.remove(), 3600);
}

// A modal yes/no built on <dialog>; resolves true only on the confirm button.
export function confirmAction({ title, body, ok, danger = false }) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'confirm' },
      h('form', { method: 'dialog' },
        h('h2', {}, title),
        body ? h('p', {}, body) : null,
        h('div', { class: 'dialog-actions' },
          h('button', { value: 'cancel', class: 'btn' }, t('common.cancel')),
          h('button', { value: 'ok', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}` }, ok))));
    dlg.addEventListener('close', () => { resolve(dlg.returnValue === 'ok'); dlg.remove(); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// Disables a button while `work` runs, so a double click never sends twice.
export async function busy(button, work) {
  button.disabled = true;
  button.classList.add('is-busy');
  try { return await work(); } finally {
    button.disabled = false;
    button.classList.remove('is-busy');
  }
}

// A modal asking for one line of text (a leave reason …); resolves the text, or null.
export function promptText({ title, label, placeholder, value = '', ok, maxlength = 200 }) {
  return new Promise((resolve) => {
    const box = h('input', { type: 'text', id: 'prompt-text', maxlength, placeholder, value, autocomplete: 'off', required: true });
    const dlg = h('dialog', { class: 'confirm prompt' },
      h('form', { method: 'dialog' },
        h('h2', {}, title),
        h('div', { class: 'field' }, h('label', { for: box.id, class: 'field-label' }, label), box),
        h('div', { class: 'dialog-actions' },
          h('button', { value: 'cancel', class: 'btn', formnovalidate: true }, t('common.cancel')),
          h('button', { value: 'ok', class: 'btn btn-primary' }, ok))));
    dlg.addEventListener('close', () => { resolve(dlg.returnValue === 'ok' && box.value.trim() ? box.value.trim() : null); dlg.remove(); });
    document.body.append(dlg);
    dlg.showModal();
    box.focus();
  });
}
