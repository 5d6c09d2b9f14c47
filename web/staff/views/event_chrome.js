// The header every page of one event shares: title, when and where, counts, actions, tabs.
import { get } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmtRange, fmtNumber, kindLabel } from '../../shared/format.js';
import { isAdmin, handleAuthError } from '../session.js';
import { alertBox, errorText, loading } from '../ui.js';

// Loads the event into `root` with its header; null (and a message shown) when it cannot.
export async function withEvent(root, id, active) {
  const wait = root.appendChild(loading());
  try {
    const ev = await get(`/events/${id}`);
    wait.remove();
    root.append(eventHeader(ev, active));
    return ev;
  } catch (e) {
    wait.remove();
    if (!handleAuthError(e)) root.append(alertBox(errorText(e)));
    return null;
  }
}

// After a change, the header's counts are fetched again (quietly: a failure keeps the old).
export async function refreshEventHeader(root, id, active) {
  try {
    const ev = await get(`/events/${id}`);
    root.querySelector('.event-head')?.replaceWith(eventHeader(ev, active));
  } catch { /* the figures stay as they were */ }
}

function tab(href, label, key, active, count) {
  return h('a', { href, class: `tab${key === active ? ' active' : ''}`, 'aria-current': key === active ? 'page' : null },
    label, count !== undefined ? h('span', { class: 'tab-count' }, fmtNumber(count)) : null);
}

export function eventHeader(ev, active) {
  const base = `#/events/${ev.id}`;
  const cap = ev.capacity === null ? t('capacity.unlimited') : fmtNumber(ev.capacity);
  return h('header', { class: 'event-head' },
    h('a', { class: 'back-link', href: '#/' }, `← ${t('nav.events')}`),
    h('div', { class: 'event-head-main' },
      h('div', {},
        h('div', { class: 'event-card-top' },
          h('span', { class: `kind-chip kind-${ev.kind}` }, kindLabel(ev.kind)),
          h('span', { class: `badge badge-${ev.status}` }, t(`status.${ev.status}`)),
          ev.walk_ins ? h('span', { class: 'tag' }, t('event.walk_ins')) : null,
          ev.waitlist ? h('span', { class: 'tag' }, t('event.waitlist')) : null,
          ev.public_signup ? h('a', { class: 'tag', href: '/s/', target: '_blank', rel: 'noopener' }, t('pub.tag')) : null),
        h('h1', { class: 'event-title' }, ev.title),
        h('p', { class: 'event-meta' },
          h('span', {}, fmtRange(ev.starts_at, ev.ends_at)),
          ev.venue ? h('span', {}, ev.venue) : null,
          ev.lead_departments?.length ? h('span', {}, `${t('event.f.departments')}${t('common.colon')}${ev.lead_departments.join('、')}`) : null)),
      h('dl', { class: 'event-head-counts' },
        h('div', {}, h('dt', {}, t('counts.registered')), h('dd', {}, fmtNumber(ev.counts.registered), h('small', {}, ` / ${cap}`))),
        h('div', {}, h('dt', {}, t('counts.waitlisted')), h('dd', {}, fmtNumber(ev.counts.waitlisted))),
        h('div', {}, h('dt', {}, t('counts.checked_in')), h('dd', {}, fmtNumber(ev.counts.checked_in))))),
    h('div', { class: 'event-head-bar' },
      h('nav', { class: 'tabs', 'aria-label': t('event.sections') },
        tab(base, t('event.tab.list'), 'list', active),
        tab(`${base}/waitlist`, t('event.tab.waitlist'), 'waitlist', active, ev.counts.waitlisted),
        tab(`${base}/register`, t('event.tab.register'), 'register', active),
        tab(`${base}/import`, t('event.tab.import'), 'import', active),
        tab(`${base}/units`, t('event.tab.units'), 'units', active),
        ev.kind === 'competition' ? tab(`${base}/competition`, t('event.tab.competition'), 'competition', active) : null),
      h('div', { class: 'page-actions' },
        ev.services?.length ? h('a', { class: 'btn', href: `/desk?event=${ev.id}`, target: '_blank', rel: 'noopener', dataset: { action: 'desk' } }, t('event.desk'), ' ↗') : null,
        ev.kind === 'competition' ? h('a', { class: 'btn', href: `/judge?event=${ev.id}`, target: '_blank', rel: 'noopener', dataset: { action: 'judge' } }, t('comp.judge_page'), ' ↗') : null,
        ev.kind === 'competition' ? h('a', { class: 'btn', href: `/board?screen=competition&event=${ev.id}`, target: '_blank', rel: 'noopener', dataset: { action: 'board' } }, t('comp.board'), ' ↗') : null,
        h('a', { class: 'btn', href: `${base}/print` }, t('event.print')),
        isAdmin() ? h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/registrations.csv`, download: `registrations-${ev.id}.csv`, dataset: { action: 'export' } }, t('event.export')) : null,
        isAdmin() ? h('a', { class: 'btn', href: `${base}/edit` }, t('event.edit')) : null)));
}
