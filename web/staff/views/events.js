// The event list with counts that move as people check in (the board's stream; a slow poll
// when the stream is unavailable, e.g. a board token is configured).
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { openBoardFeed } from '../../shared/board_feed.js';
import { fmtRange, fmtNumber, kindLabel } from '../../shared/format.js';
import { pageHead, loading, alertBox, errorText } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

function stat(label, valueEl, extra) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), valueEl, extra || null);
}

function eventCard(e) {
  const refs = {
    registered: h('strong', { class: 'stat-value', dataset: { count: 'registered' } }),
    waitlisted: h('strong', { class: 'stat-value', dataset: { count: 'waitlisted' } }),
    checked_in: h('strong', { class: 'stat-value', dataset: { count: 'checked_in' } }),
    bar: h('span', { class: 'bar-fill' }),
    rate: h('span', { class: 'bar-label' }),
  };
  const card = h('article', { class: `event-card status-${e.status}`, dataset: { eventId: e.id } },
    h('div', { class: 'event-card-top' },
      h('span', { class: `kind-chip kind-${e.kind}` }, kindLabel(e.kind)),
      e.status !== 'open' ? h('span', { class: `badge badge-${e.status}` }, t(`status.${e.status}`)) : null,
      e.walk_ins ? h('span', { class: 'tag' }, t('event.walk_ins')) : null,
      e.waitlist ? h('span', { class: 'tag' }, t('event.waitlist')) : null),
    h('h2', { class: 'event-card-title' }, h('a', { href: `#/events/${e.id}` }, e.title)),
    h('p', { class: 'event-card-meta' }, fmtRange(e.starts_at, e.ends_at)),
    h('p', { class: 'event-card-meta' }, e.venue || '—'),
    h('div', { class: 'event-stats' },
      stat(t('counts.registered'), refs.registered,
        h('span', { class: 'stat-sub' }, e.capacity === null ? t('capacity.unlimited_short') : t('capacity.of', { n: fmtNumber(e.capacity) }))),
      stat(t('counts.waitlisted'), refs.waitlisted),
      stat(t('counts.checked_in'), refs.checked_in)),
    h('div', { class: 'bar', role: 'presentation' }, refs.bar, refs.rate));
  const update = (c) => {
    refs.registered.textContent = fmtNumber(c.registered);
    refs.waitlisted.textContent = fmtNumber(c.waitlisted);
    refs.checked_in.textContent = fmtNumber(c.checked_in);
    const pct = c.registered > 0 ? Math.min(100, Math.round((100 * c.checked_in) / c.registered)) : 0;
    refs.bar.style.width = `${pct}%`;
    refs.rate.textContent = t('counts.rate', { pct });
  };
  update(e.counts);
  return { card, update };
}

export async function eventsView({ root }) {
  const liveDot = h('span', { class: 'live-pill', dataset: { state: 'connecting' } }, t('live.connecting'));
  const newBtn = isAdmin() ? h('a', { class: 'btn btn-primary', href: '#/events/new' }, `＋ ${t('events.new')}`) : null;
  const head = pageHead(t('events.title'), { actions: [liveDot, newBtn] });
  const summary = h('div', { class: 'summary' });
  const list = h('div', { class: 'event-grid' }, loading());
  root.append(head, summary, list);

  let events;
  try {
    const [ev, prog] = await Promise.all([get('/events'), get('/programme')]);
    events = ev.items;
    head.querySelector('.page-head-text').append(h('p', { class: 'page-sub' }, prog.title, prog.theme ? ` · ${prog.theme}` : ''));
  } catch (e) {
    if (!handleAuthError(e)) replace(list, alertBox(errorText(e)));
    return undefined;
  }
  if (!events.length) {
    replace(list, h('div', { class: 'empty' }, t('events.empty'), newBtn ? h('p', {}, newBtn.cloneNode(true)) : null));
    return undefined;
  }

  const cards = new Map();
  replace(list, events.map((e) => {
    const c = eventCard(e);
    cards.set(e.id, { ...c, counts: { ...e.counts } });
    return c.card;
  }));

  const totals = { events: h('strong'), registered: h('strong'), checked_in: h('strong') };
  replace(summary,
    h('div', { class: 'summary-item' }, h('span', {}, t('summary.events')), totals.events),
    h('div', { class: 'summary-item' }, h('span', {}, t('counts.registered')), totals.registered),
    h('div', { class: 'summary-item' }, h('span', {}, t('counts.checked_in')), totals.checked_in));
  const paintTotals = () => {
    let r = 0, c = 0;
    for (const x of cards.values()) { r += x.counts.registered; c += x.counts.checked_in; }
    totals.events.textContent = fmtNumber(cards.size);
    totals.registered.textContent = fmtNumber(r);
    totals.checked_in.textContent = fmtNumber(c);
  };
  paintTotals();

  const applyRows = (rows) => {
    for (const row of rows || []) {
      const c = cards.get(row.id);
      if (!c) continue;
      c.counts = { registered: row.registered, waitlisted: row.waitlisted, checked_in: row.checked_in };
      c.update(c.counts);
    }
    paintTotals();
  };

  let poll = null;
  const refresh = async () => {
    try {
      const ev = await get('/events');
      applyRows(ev.items.map((e) => ({ id: e.id, ...e.counts })));
    } catch (e) { handleAuthError(e); }
  };
  const feed = openBoardFeed({
    onSnapshot: (f) => applyRows(f.events),
    onUpdate: (f) => applyRows(f.events),
    onState: (state) => {
      // Without the stream the list still refreshes itself; say so rather than alarm.
      const shown = state === 'live' || state === 'connecting' ? state : 'polling';
      liveDot.dataset.state = shown;
      liveDot.textContent = t(`live.${shown}`);
      clearInterval(poll);
      poll = state === 'live' ? null : setInterval(refresh, 15000);
    },
  });
  return () => { feed.close(); clearInterval(poll); };
}
