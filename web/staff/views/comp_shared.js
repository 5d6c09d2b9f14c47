// What the competition pages share: loading the event with its competition, the row of
// sub-pages (rules and items, each item's roll-call and draw, results), and the way the
// board's stream makes a page reload itself.
import { get, ApiError } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { openBoardFeed } from '../../shared/board_feed.js';
import { withEvent } from './event_chrome.js';
import { alertBox } from '../ui.js';

// The competition of an event, or null when it has not been configured yet (404).
export async function loadCompetition(eventId) {
  try {
    return await get(`/events/${eventId}/competition`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// The event's header with the 竞赛 tab, then the competition; {ev, comp} or null when the
// page cannot go on (the message is shown).
export async function withCompetition(root, eventId) {
  const ev = await withEvent(root, eventId, 'competition');
  if (!ev) return null;
  if (ev.kind !== 'competition') { root.append(alertBox(t('comp.not_competition'), 'warn')); return null; }
  return { ev, comp: await loadCompetition(ev.id) };
}

export function compNav(ev, comp, active) {
  const base = `#/events/${ev.id}/competition`;
  const link = (href, label, key) => h('a', { href, class: `seg${key === active ? ' active' : ''}`, 'aria-current': key === active ? 'page' : null, dataset: { seg: key } }, label);
  return h('nav', { class: 'segs comp-nav', 'aria-label': t('comp.sections') },
    link(base, t('comp.rules'), 'rules'),
    (comp?.items || []).map((i, n) => link(`${base}/items/${i.id}`, `${t('comp.item_short')} ${n + 1}·${i.name}`, `item-${i.id}`)),
    comp?.items?.length ? link(`${base}/results`, t('comp.results'), 'results') : null);
}

// Who did it, from the audit label ("user:wang" → "wang").
export const who = (label) => String(label || '').replace(/^(user|device):/, '');

export function provisionalBadge(published, publishedAt) {
  return published
    ? h('span', { class: 'badge badge-final', dataset: { published: 'yes' } }, t('comp.final'), publishedAt ? ` · ${publishedAt}` : '')
    : h('span', { class: 'badge badge-provisional', dataset: { published: 'no' } }, t('comp.provisional'));
}

// Reloads through `load` when the stream says this event changed, at most every `ms`.
export function followEvent(eventId, load, ms = 800) {
  let timer = null;
  const feed = openBoardFeed({
    onUpdate: (f) => {
      if (!(f.events || []).some((e) => e.id === eventId) || timer) return;
      timer = setTimeout(() => { timer = null; load(); }, ms);
    },
  });
  return () => { feed.close(); clearTimeout(timer); };
}
