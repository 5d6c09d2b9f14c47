// A large on-screen keypad for the score: digits, the decimal point, delete and clear. It
// types into the real input, so a hardware keyboard works the same way.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0', 'back'];

export function keypad(input, onType) {
  const press = (k) => {
    if (input.disabled) return;
    if (k === 'back') input.value = input.value.slice(0, -1);
    else if (k === 'clear') input.value = '';
    else if (k === '.' && input.value.includes('.')) return;
    else if (k !== '.' && /\.\d{2}$/.test(input.value)) return;  // two decimals at most
    else input.value = `${input.value === '' && k === '.' ? '0' : input.value}${k}`;
    onType?.();
  };
  const key = (k) => h('button', {
    type: 'button', class: `j-key${k === 'back' || k === 'clear' ? ' j-key-fn' : ''}`, dataset: { key: k },
    'aria-label': k === 'back' ? t('kiosk.keypad_back') : k === 'clear' ? t('kiosk.keypad_clear') : k,
    onclick: () => press(k),
  }, k === 'back' ? '⌫' : k === 'clear' ? t('kiosk.keypad_clear') : k);
  input.addEventListener('input', () => onType?.());
  return h('div', { class: 'j-keypad' }, KEYS.map(key), key('clear'));
}
