// The answer panel: green (checked in), amber (already, with the time), red (refused),
// slate (kept offline). It covers the screen and clears itself.
import { h, replace } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmt } from '../shared/format.js';
import { icon } from '../shared/icons.js';

const HOLD_MS = { ok: 3000, already: 4500, bad: 6000, queued: 3000 };
const ICON = { ok: 'check', already: 'alert', bad: 'cross', queued: 'upload' };
let timer = null;

function body(answer, event) {
  const reg = answer.registration;
  const name = reg ? h('p', { class: 'r-name', dataset: { testid: 'name' } }, reg.name) : null;
  const org = reg?.organization ? h('p', { class: 'r-org' }, reg.organization) : null;
  switch (answer.tone) {
    case 'ok':
      return [h('h1', { class: 'r-title' }, t('kiosk.ok_title')), name, org,
        h('p', { class: 'r-detail' }, t('kiosk.ok_welcome'), ' ', h('strong', {}, answer.event?.title || event.title))];
    case 'already':
      return [h('h1', { class: 'r-title' }, t('kiosk.already_title')), name, org,
        h('p', { class: 'r-detail r-time' }, t('kiosk.already_at', { time: fmt(answer.at, 'seconds') }))];
    case 'queued':
      return [h('h1', { class: 'r-title' }, t('kiosk.queued_title')), h('p', { class: 'r-detail' }, t('kiosk.queued_body'))];
    default: {
      const other = answer.reason === 'wrong_event' && answer.event ? h('p', { class: 'r-detail' }, t('kiosk.ticket_event', { title: answer.event.title })) : null;
      return [h('h1', { class: 'r-title' }, t('kiosk.bad_title')),
        h('p', { class: 'r-reason', dataset: { reason: answer.reason } }, t(`kiosk.reason.${answer.reason || 'other'}`)), name, other];
    }
  }
}

export function showResult(panel, answer, event, onClose) {
  clearTimeout(timer);
  const tone = answer.tone === 'invalid' ? 'bad' : answer.tone;
  const hold = HOLD_MS[tone] || 4000;
  const close = () => {
    clearTimeout(timer);
    panel.hidden = true;
    panel.dataset.tone = '';
    onClose?.();
  };
  panel.onclick = close;
  panel.dataset.tone = tone;
  panel.dataset.offline = answer.offline ? 'yes' : 'no';
  replace(panel,
    h('div', { class: 'r-inner' },
      h('div', { class: 'r-icon' }, icon(ICON[tone])),
      h('div', { class: 'r-text' }, body({ ...answer, tone }, event))),
    answer.offline ? h('p', { class: 'r-offline' }, t('door.offline_answer')) : null,
    h('p', { class: 'r-hint' }, t('kiosk.tap_to_close')),
    h('div', { class: 'r-countdown', style: { animationDuration: `${hold}ms` } }));
  panel.hidden = false;
  timer = setTimeout(close, hold);
}
