// Check-in without a QR code: the person types their mobile number (or its last four
// digits) on a big keypad and taps their own, masked, registration.
import { post, NetworkError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';
import { fmt } from '../shared/format.js';

export function keypad(input, onGo, { max = 11, go = t('kiosk.lookup_go') } = {}) {
  const press = (k) => {
    if (k === 'clear') input.value = '';
    else if (k === 'back') input.value = input.value.slice(0, -1);
    else if (input.value.length < max) input.value += k;
    input.dispatchEvent(new Event('input'));
  };
  const key = (k, label, cls = '') => h('button', { type: 'button', class: `k-key ${cls}`, onclick: () => press(k) }, label);
  return h('div', { class: 'k-keypad' },
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, d)),
    key('clear', t('kiosk.keypad_clear'), 'k-key-fn'),
    key('0', '0'),
    key('back', '⌫', 'k-key-fn'),
    h('button', { type: 'button', class: 'k-key k-key-go', onclick: onGo }, go));
}

function candidate(c, onPick) {
  const state = c.checked_in_at ? t('kiosk.already_at', { time: fmt(c.checked_in_at, 'time') })
    : c.status !== 'confirmed' ? t(`status.${c.status}`) : '';
  return h('button', { type: 'button', class: `k-candidate status-${c.status}${c.checked_in_at ? ' is-checked' : ''}`, onclick: () => onPick(c), dataset: { regId: c.id } },
    h('strong', {}, c.name),
    h('span', { class: 'mono' }, c.phone),
    h('span', {}, c.organization || ''),
    state ? h('em', {}, state) : null);
}

export function lookupScreen({ event, onPick, onWalkIn, onBack }) {
  const phone = h('input', { type: 'tel', inputmode: 'numeric', class: 'k-phone', maxlength: 11, autocomplete: 'off', placeholder: '138 0000 0000', 'aria-label': t('kiosk.lookup_title') });
  const out = h('div', { class: 'k-candidates', 'aria-live': 'polite' });
  let seq = 0;
  const search = async () => {
    const digits = phone.value.replace(/\D/g, '');
    if (digits.length !== 4 && digits.length !== 11) { phone.focus(); return; }
    const mine = ++seq;
    replace(out, h('p', { class: 'k-note' }, t('common.loading')));
    try {
      const { candidates } = await post('/checkins/lookup', { event_id: event.id, phone: digits });
      if (mine !== seq) return;
      replace(out, candidates.length
        ? [h('p', { class: 'k-note' }, t('kiosk.lookup_pick')), ...candidates.map((c) => candidate(c, onPick))]
        : [h('p', { class: 'k-note k-note-strong' }, t('kiosk.lookup_none')),
          event.walk_ins ? h('button', { type: 'button', class: 'k-btn', onclick: () => onWalkIn(digits.length === 11 ? digits : '') }, t('kiosk.lookup_offer_walk_in')) : null]);
    } catch (e) {
      if (mine !== seq) return;
      replace(out, h('p', { class: 'k-note k-note-strong' }, e instanceof NetworkError || e.transient ? t('kiosk.lookup_offline') : localize(e.fields?.phone) || e.message));
    }
  };
  phone.addEventListener('keydown', (e) => { if (e.key === 'Enter') search(); });
  phone.addEventListener('input', () => { phone.value = phone.value.replace(/\D/g, '').slice(0, 11); });
  const el = h('section', { class: 'k-lookup', dataset: { screen: 'lookup' } },
    h('div', { class: 'k-lookup-left' },
      h('h1', { class: 'k-section-title' }, t('kiosk.lookup_title')),
      phone,
      keypad(phone, search)),
    h('div', { class: 'k-lookup-right' }, out,
      h('button', { type: 'button', class: 'k-btn k-btn-quiet', onclick: onBack }, t('kiosk.back'))));
  setTimeout(() => phone.focus(), 0);
  return el;
}
