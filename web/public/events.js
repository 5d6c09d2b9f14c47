// The events open to the public, each with its seats or waitlist, and the way to a ticket.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { get } from '../shared/api.js';
import { alertBox, closesLine, errorText, eventLines, loading, savedCodes } from './common.js';

function seatsLine(ev) {
  if (ev.seats_left === null) return h('p', { class: 'p-seats' }, t('pub.unlimited'));
  if (!ev.full) return h('p', { class: 'p-seats' }, t('pub.seats_left', { n: ev.seats_left }));
  return h('p', { class: 'p-seats full' }, t(ev.waitlist_open ? 'pub.full_waitlist' : 'pub.full'));
}

function card(ev) {
  const canSign = !ev.full || ev.waitlist_open;
  return h('article', { class: 'p-card', dataset: { eventId: ev.id } },
    ...eventLines(ev),
    seatsLine(ev),
    closesLine(ev),
    h('div', { class: 'p-actions' },
      canSign ? h('a', { class: 'btn btn-primary', href: `#/e/${ev.id}`, dataset: { action: 'sign-up' } },
        t(ev.full ? 'pub.join_waitlist' : 'pub.sign_up')) : null));
}

export async function eventsView(root) {
  const mine = savedCodes();
  root.append(h('div', { class: 'p-actions' },
    h('a', { class: 'btn', href: '#/find', dataset: { action: 'find' } }, t('pub.find'))));
  if (mine.length) {
    root.append(h('h2', { class: 'p-section-title' }, t('pub.mine')),
      h('div', { class: 'p-card' }, ...mine.map((code) =>
        h('p', {}, h('a', { href: `#/t/${code}`, class: 'mono' }, `${code.slice(0, 6)}…${code.slice(-4)}`)))));
  }
  root.append(h('h2', { class: 'p-section-title' }, t('pub.events')));
  const wait = root.appendChild(loading());
  try {
    const { items } = await get('/public/events');
    wait.remove();
    if (!items.length) root.append(alertBox(t('pub.no_events'), 'warn'));
    for (const ev of items) root.append(card(ev));
  } catch (e) {
    wait.remove();
    root.append(alertBox(errorText(e)));
  }
}
