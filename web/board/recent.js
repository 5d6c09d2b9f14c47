// The rolling list of the latest check-ins (masked names, work units). Only the newest
// rows are drawn, so a burst of a hundred never queues a hundred animations.
import { h } from '../shared/dom.js';
import { fmt, kindLabel } from '../shared/format.js';

const SHOWN = 6;

// The event as a short coloured kind chip; its full title is the tooltip.
function eventChip(ev) {
  if (!ev) return h('span');
  return h('span', { class: 'b-recent-event', dataset: { kind: ev.kind }, title: ev.title }, kindLabel(ev.kind));
}

export function createRecent(list, { eventOf }) {
  let rows = [];  // newest first
  const row = (r, fresh) => h('li', { class: `b-recent-row${fresh ? ' is-new' : ''}` },
    h('time', {}, fmt(r.at, 'seconds')),
    h('strong', {}, r.name),
    h('span', { class: 'b-recent-org' }, r.organization || '—'),
    eventChip(eventOf(r.event_id)));
  const draw = (freshCount) => {
    list.replaceChildren(...rows.slice(0, SHOWN).map((r, i) => row(r, i < freshCount)));
    list.dataset.count = String(rows.length);
  };
  return {
    snapshot(recent) {
      rows = [...recent].reverse().slice(0, SHOWN);
      draw(0);
    },
    add(recent) {
      if (!recent.length) return;
      rows = [...recent].reverse().concat(rows).slice(0, SHOWN);
      draw(Math.min(recent.length, SHOWN));
    },
    repaint() { draw(0); },
  };
}
