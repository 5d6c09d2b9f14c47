// The staff PIN a kiosk asks for before its event picker (set by the admin at pairing):
// a passer-by cannot switch the kiosk to another event. The server checks it and
// throttles guesses; a kiosk paired without a PIN cannot switch until an admin sets one.
import { post, ApiError, NetworkError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { keypad } from './lookup.js';

export function pinScreen({ onOk, onBack }) {
  const pin = h('input', { type: 'password', inputmode: 'numeric', class: 'k-phone k-pin', maxlength: 8, autocomplete: 'off', 'aria-label': t('door.pin_title') });
  const out = h('p', { class: 'k-note k-note-strong k-pin-error', role: 'alert' });
  let busy = false;
  const go = async () => {
    if (busy || !/^\d{4,8}$/.test(pin.value)) { pin.focus(); return; }
    busy = true;
    replace(out, t('common.loading'));
    try {
      await post('/devices/pin', { pin: pin.value });
      onOk();
    } catch (e) {
      pin.value = '';
      const why = e instanceof NetworkError || e.transient ? t('door.pin_offline')
        : e instanceof ApiError && e.code === 'no_pin' ? t('door.pin_none')
          : e instanceof ApiError && e.status === 429 ? t('door.pin_throttled')
            : t('door.pin_wrong');
      replace(out, why);
      out.dataset.code = e.code || 'offline';
    } finally {
      busy = false;
    }
  };
  pin.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
  pin.addEventListener('input', () => { pin.value = pin.value.replace(/\D/g, '').slice(0, 8); });
  const el = h('section', { class: 'k-lookup k-pin-screen', dataset: { screen: 'pin' } },
    h('div', { class: 'k-lookup-left' },
      h('h1', { class: 'k-section-title' }, t('door.pin_title')),
      h('p', { class: 'k-note' }, t('door.pin_hint')),
      pin,
      keypad(pin, go, { max: 8, go: t('door.pin_go') })),
    h('div', { class: 'k-lookup-right' }, out,
      h('button', { type: 'button', class: 'k-btn k-btn-quiet', onclick: onBack }, t('kiosk.back'))));
  setTimeout(() => pin.focus(), 0);
  return el;
}
