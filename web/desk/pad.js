// The desk's main screen: one large button per service with its running count, the site's
// total, and "undo last tap". A tap flashes its button and bumps its number at once; the
// figure comes from the outbox before the server has answered.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtNumber } from '../shared/format.js';

// Restarts a CSS animation by taking the class off and putting it back after a reflow.
function pulse(el, cls) {
  el.classList.remove(cls);
  void el.offsetWidth;
  el.classList.add(cls);
}

export function padScreen({ event, site, sync, onTap, onUndo }) {
  const services = event.services || [];
  const siteTotal = h('strong', { class: 'd-total-value', dataset: { total: site ? 'site' : 'event' } });
  const eventTotal = h('strong', { class: 'd-total-value small', dataset: { total: 'event' } });
  const status = h('p', { class: 'd-status', role: 'status', 'aria-live': 'polite' }, t('desk.tap_hint'));
  const undo = h('button', { class: 'd-undo', type: 'button', dataset: { action: 'undo' } }, '↶ ', t('desk.undo'));
  undo.addEventListener('click', () => onUndo());

  const buttons = new Map();
  for (const [i, name] of services.entries()) {
    const value = h('span', { class: 'd-svc-count', dataset: { count: name } });
    const button = h('button', { class: 'd-svc', type: 'button', dataset: { service: name, tone: String(i % 6) } },
      h('span', { class: 'd-svc-name' }, name), value, h('span', { class: 'd-svc-plus', 'aria-hidden': 'true' }, '+1'));
    button.addEventListener('click', () => onTap(name));
    buttons.set(name, { button, value });
  }

  const el = h('section', { class: 'd-pad', dataset: { screen: 'pad' } },
    h('div', { class: 'd-summary' },
      h('div', { class: 'd-total' }, h('span', {}, site ? t('desk.site_total') : t('desk.event_total')), siteTotal),
      site ? h('div', { class: 'd-total d-total-event' }, h('span', {}, t('desk.event_total')), eventTotal) : null,
      undo),
    h('div', { class: 'd-grid', dataset: { n: String(services.length) } }, [...buttons.values()].map((b) => b.button)),
    status,
    h('p', { class: 'd-privacy' }, t('desk.no_personal')));

  const paint = () => {
    for (const [name, b] of buttons) {
      const n = sync.count(event.id, site, name);
      if (b.value.dataset.value !== String(n)) {
        if (b.value.dataset.value !== undefined) pulse(b.value, 'is-bumped');
        b.value.dataset.value = String(n);
        b.value.textContent = fmtNumber(n);
      }
    }
    const st = sync.siteTotal(event.id, site, services);
    siteTotal.dataset.value = String(st);
    siteTotal.textContent = fmtNumber(st);
    const et = sync.eventTotal(event.id);
    eventTotal.dataset.value = String(et);
    eventTotal.textContent = fmtNumber(et);
  };

  return {
    el,
    paint,
    hit(name) {
      const b = buttons.get(name);
      if (b) pulse(b.button, 'is-hit');
    },
    say(text, kind = 'ok') {
      status.textContent = text;
      status.dataset.kind = kind;
      pulse(status, 'is-fresh');
    },
  };
}
