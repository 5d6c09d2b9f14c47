// The competition screen (/board?screen=competition[&event=ID]): 正在比赛 and 下一位, the live
// individual ranking and the unit ranking of one skill competition, marked 暂定 until an
// admin publishes the results and 最终成绩 after. The event is the one named, else the first
// row that carries a competition. Names arrive masked from the server (张*明).
// Between them, the draw (抽签) of the item now competing, or of the item drawn last when
// nobody is: its order of appearance, who is done, who is on, and the seed it came from.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtPoints } from '../shared/format.js';
import { flipList, followEvent } from './screen_kit.js';

const SHOWN = 10;
// The units panel holds five rows at 1920×1080; a sixth would be cut in half.
const UNITS_SHOWN = 5;
const DRAW_ROWS = 16;       // rows of the order shown at once; a longer one shows a window
const DRAW_TURN_MS = 8000;  // with nobody on, a long order turns a page this often

function slotCard(key, label) {
  const el = {
    item: h('span', { class: 'c-slot-item' }),
    pos: h('span', { class: 'c-slot-pos' }),
    name: h('strong', { class: 'c-slot-name' }),
    unit: h('span', { class: 'c-slot-unit' }),
  };
  const root = h('section', { class: `b-panel c-slot c-${key}`, dataset: { slot: key } },
    h('h2', { class: 'b-panel-title' }, label(`board.comp.${key}`)),
    h('div', { class: 'c-slot-top' }, el.item, el.pos), el.name, el.unit);
  return {
    root,
    paint(s, idle) {
      root.dataset.empty = s ? 'no' : 'yes';
      el.item.textContent = s ? s.item : '';
      el.pos.textContent = s ? t('board.comp.position', { n: s.position }) : '';
      el.name.textContent = s ? s.name : idle;
      el.unit.textContent = s ? s.unit || '' : '';
    },
  };
}

function personRow() {
  const el = { rank: h('span', { class: 'c-rank' }), name: h('strong', { class: 'c-name' }), unit: h('span', { class: 'c-unit' }), total: h('span', { class: 'c-total' }), done: h('span', { class: 'c-done' }) };
  const root = h('li', { class: 'c-row' }, el.rank, el.name, el.unit, el.total, el.done);
  return {
    root,
    paint(p) {
      root.dataset.rank = String(p.rank);
      root.dataset.total = String(p.total);
      root.dataset.complete = p.complete ? 'yes' : 'no';
      el.rank.textContent = String(p.rank);
      el.name.textContent = p.name;
      el.unit.textContent = p.unit || '';
      el.total.textContent = fmtPoints(p.total);
      el.done.textContent = p.complete ? '✓' : '…';
      el.done.title = p.complete ? t('board.comp.complete') : t('board.comp.scoring');
    },
  };
}

function unitRow() {
  const el = { rank: h('span', { class: 'c-rank' }), unit: h('strong', { class: 'c-name' }), total: h('span', { class: 'c-total' }) };
  const root = h('li', { class: 'c-row c-unit-row' }, el.rank, el.unit, el.total);
  return {
    root,
    paint(u) {
      root.dataset.rank = String(u.rank);
      root.dataset.unit = u.unit;
      root.dataset.total = String(u.total);
      el.rank.textContent = String(u.rank);
      el.unit.textContent = u.unit;
      el.total.textContent = fmtPoints(u.total);
    },
  };
}

// The draw shown: the one of the item now competing, else the item drawn last.
function pickDraw(c) {
  const draws = c?.draws || [];
  if (!draws.length) return null;
  const live = c.now ? draws.find((d) => d.item === c.now.item) : null;
  if (live) return live;
  const at = (d) => Date.parse(d.drawn_at) || 0;
  return draws.reduce((a, b) => (at(b) >= at(a) ? b : a));
}

// Which DRAW_ROWS of a long order to show: from two before the one competing, so the last
// done stay in sight; with nobody on, page after page in turn.
function drawWindow(length, current, turn) {
  if (length <= DRAW_ROWS) return 0;
  const last = length - DRAW_ROWS;
  if (current >= 0) return Math.min(Math.max(current - 2, 0), last);
  return Math.min((turn % Math.ceil(length / DRAW_ROWS)) * DRAW_ROWS, last);
}

function drawRow() {
  const el = { pos: h('span', { class: 'c-draw-pos' }), name: h('strong', { class: 'c-draw-name' }), unit: h('span', { class: 'c-draw-unit' }), mark: h('span', { class: 'c-draw-mark' }) };
  const root = h('li', { class: 'c-draw-row' }, el.pos, el.name, el.unit, el.mark);
  return {
    root,
    paint(o, current) {
      root.dataset.position = String(o.position);
      root.dataset.done = o.done ? 'yes' : 'no';
      root.dataset.current = current ? 'yes' : 'no';
      el.pos.textContent = String(o.position);
      el.name.textContent = o.name;
      el.unit.textContent = o.unit || '';
      el.unit.title = o.unit || '';
      el.mark.textContent = o.done ? '✓' : current ? '▶' : '';
      el.mark.title = o.done ? t('board.comp.complete') : current ? t('board.comp.now') : '';
    },
  };
}

function drawPanel(label) {
  const el = {
    item: h('p', { class: 'c-draw-item' }),
    count: h('span', { class: 'c-draw-count' }),
    list: h('ol', { class: 'c-draw-list' }),
    range: h('p', { class: 'c-draw-range', hidden: true }),
    seed: h('p', { class: 'c-draw-seed', hidden: true }),
    empty: h('p', { class: 'c-draw-empty' }),
  };
  const root = h('section', { class: 'b-panel c-draw', dataset: { drawn: 'no' } },
    h('header', { class: 'c-draw-head' }, h('h2', { class: 'b-panel-title' }, label('board.comp.order')), el.count),
    el.item,
    el.empty, el.list, el.range, el.seed);
  const rows = [];
  return {
    root,
    // Whether the order shown is long with nobody on, so it turns pages.
    turning: false,
    paint(c, turn) {
      const d = pickDraw(c);
      const order = d?.order || [];
      root.dataset.drawn = d ? 'yes' : 'no';
      root.dataset.item = d ? d.item : '';
      root.dataset.count = String(order.length);
      el.item.textContent = d ? d.item : '';
      el.count.textContent = d ? t('board.comp.order_n', { n: order.length }) : '';
      el.empty.hidden = Boolean(d);
      el.empty.textContent = c ? t('board.comp.nobody') : '';
      const now = d && c.now && c.now.item === d.item ? c.now.position : null;
      const current = order.findIndex((o) => o.position === now);
      const start = drawWindow(order.length, current, turn);
      const shown = order.slice(start, start + DRAW_ROWS);
      this.turning = current < 0 && order.length > DRAW_ROWS;
      root.dataset.start = String(start);
      while (rows.length < shown.length) rows.push(drawRow());
      shown.forEach((o, i) => rows[i].paint(o, o.position === now));
      el.list.replaceChildren(...rows.slice(0, shown.length).map((r) => r.root));
      el.range.hidden = order.length <= DRAW_ROWS;
      el.range.textContent = el.range.hidden ? '' : t('board.comp.order_range', { from: shown[0].position, to: shown[shown.length - 1].position, n: order.length });
      // The seed is the draw's record: shown short, whole on hover and in data-seed.
      el.seed.hidden = !d;
      el.seed.dataset.seed = d ? d.seed : '';
      el.seed.title = d ? d.seed : '';
      el.seed.textContent = d ? t('board.comp.seed', { seed: `${String(d.seed).slice(0, 8)}…` }) : '';
    },
  };
}

export function competitionScreen(body, { label, eventId }) {
  const el = {
    event: h('h2', { class: 'c-event' }),
    items: h('p', { class: 'c-items' }),
    badge: h('span', { class: 'c-badge', dataset: { published: 'no' } }),
    ranking: h('ol', { class: 'c-ranking' }),
    units: h('ol', { class: 'c-units' }),
    none: h('p', { class: 'c-none', hidden: true }, label('board.comp.none')),
    empty: h('p', { class: 'c-empty' }, label('board.comp.waiting')),
  };
  const now = slotCard('now', label);
  const next = slotCard('next', label);
  const draw = drawPanel(label);
  body.classList.add('b-body-comp');
  body.append(
    h('section', { class: 'b-panel c-main' },
      h('header', { class: 'c-head' }, h('div', { class: 'c-head-text' }, el.event, el.items), el.badge),
      h('div', { class: 'c-cols' }, h('span', {}, label('board.comp.rank')), h('span', {}, label('board.comp.name')), h('span', {}, label('board.comp.unit')), h('span', {}, label('board.comp.total')), h('span', {})),
      el.ranking, el.empty, el.none),
    draw.root,
    h('aside', { class: 'c-side' }, now.root, next.root,
      h('section', { class: 'b-panel c-units-panel' }, h('h2', { class: 'b-panel-title' }, label('board.comp.units')), el.units)));

  const people = new Map();
  const units = new Map();
  let current = null;  // the event row shown
  let turn = 0;        // pages turned through a long order with nobody on

  function paint() {
    const c = current?.competition;
    el.none.hidden = Boolean(current);
    body.dataset.eventId = current ? String(current.id) : '';
    el.event.textContent = current ? current.title : '';
    el.items.textContent = c?.items?.length ? c.items.join(' · ') : '';
    const published = Boolean(c?.published);
    el.badge.dataset.published = published ? 'yes' : 'no';
    el.badge.textContent = published ? t('board.comp.final') : t('board.comp.provisional');
    el.badge.hidden = !c;
    const ranking = (c?.ranking || []).slice(0, SHOWN);
    // Nobody waiting: before the first draw, or when every drawn competitor has been scored.
    const idle = ranking.length ? t('board.comp.idle') : t('board.comp.nobody');
    now.paint(c?.now || null, idle);
    next.paint(c?.next || null, idle);
    el.empty.hidden = !current || ranking.length > 0;
    flipList(el.ranking, people, ranking, (p) => `${p.name}|${p.unit}`, personRow);
    flipList(el.units, units, (c?.units || []).slice(0, UNITS_SHOWN), (u) => u.unit, unitRow);
    el.ranking.dataset.count = String(ranking.length);
    draw.paint(c || null, turn);
  }

  setInterval(() => {
    if (!draw.turning || document.hidden) return;
    turn += 1;
    draw.paint(current?.competition || null, turn);
  }, DRAW_TURN_MS);

  const pick = (events) => (eventId ? events.find((e) => e.id === eventId)
    : events.find((e) => e.competition)) || null;

  return followEvent(pick, (row) => {
    current = row;
    paint();
  });
}
