// One item's scoring screen: the draw order on the left (正在比赛 highlighted, each row with
// this judge's own score), the entry panel on the right (a large number with a keypad,
// checked against the item's maximum, two decimals). A score already given can only be
// corrected with a reason. The order and "now competing" follow the board's stream.
import { get, ApiError } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { t, localize } from '../shared/i18n.js';
import { fmtPoints, parsePoints } from '../shared/format.js';
import { openBoardFeed } from '../shared/board_feed.js';
import { keypad } from './keypad.js';

const POLL_MS = 15000;
const REASONS = { already_scored: 'score.already_scored', published: 'score.published', not_in_draw: 'score.not_in_draw', not_drawn: 'score.not_drawn' };

export function scoreScreen({ me, comp, item, sender }) {
  const eventId = comp.event_id;
  const st = { order: null, drawn: true, mine: new Map(), results: null, selected: null, correcting: false, busy: false, loaded: false };

  const list = h('ol', { class: 'j-order', 'aria-label': t('judge.order') });
  const orderNote = h('p', { class: 'j-note j-order-note' });
  const status = h('span', { class: 'j-badge j-status' });
  const slot = {
    pos: h('span', { class: 'j-cur-pos' }),
    name: h('strong', { class: 'j-cur-name' }),
    unit: h('span', { class: 'j-cur-unit' }),
    now: h('span', { class: 'j-tag j-tag-now', hidden: true }, t('judge.now')),
    mine: h('p', { class: 'j-mine', hidden: true }),
  };
  const input = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'j-score-input', id: 'score-input', 'aria-label': t('judge.score_label', { max: item.max_score }), placeholder: '0.00' });
  const reason = h('input', { type: 'text', maxlength: 200, autocomplete: 'off', class: 'j-reason', id: 'score-reason', placeholder: t('judge.reason_ph') });
  const reasonRow = h('label', { class: 'j-reason-row', for: 'score-reason', hidden: true }, h('span', {}, t('judge.reason')), reason);
  const msg = h('p', { class: 'j-msg', role: 'alert', hidden: true });
  const submit = h('button', { class: 'j-btn j-btn-primary j-submit', type: 'submit', dataset: { action: 'submit-score' } });
  const correct = h('button', { class: 'j-btn j-correct', type: 'button', hidden: true, dataset: { action: 'correct' } }, t('judge.correct'));
  const form = h('form', { class: 'j-entry', novalidate: true },
    h('div', { class: 'j-current' }, h('div', { class: 'j-cur-head' }, slot.pos, slot.now), slot.name, slot.unit, slot.mine),
    h('div', { class: 'j-score-row' }, input, h('span', { class: 'j-max' }, `/ ${fmtPoints(item.max_score)}`)),
    keypad(input, () => hideMsg()),
    reasonRow, msg, h('div', { class: 'j-entry-actions' }, correct, submit));

  const el = h('section', { class: 'j-score-screen', dataset: { screen: 'score', itemId: item.id } },
    h('div', { class: 'j-side' },
      h('div', { class: 'j-side-head' }, h('h2', {}, t('judge.order')), status),
      h('p', { class: 'j-rule' }, t('judge.max', { max: fmtPoints(item.max_score) }), ` · ${t('judge.judges_n', { n: item.judges || 1 })}`),
      orderNote, list),
    form);

  const entry = (regId) => st.order?.find((o) => o.registration_id === regId) || null;
  const pendingFor = (regId) => sender.pending(eventId, item.id).some((p) => p.registration_id === regId);

  // 正在比赛 for this item: the server's `now` when it is this item, else the first in the
  // order that has not yet had all its judges.
  function nowRegId() {
    const now = st.results?.now;
    if (now && now.item_id === item.id) return now.registration_id;
    const need = item.judges || 1;
    const scoredBy = (regId) => st.results?.individuals?.find((x) => x.registration_id === regId)?.items?.find((x) => x.item_id === item.id)?.scored_by || 0;
    return st.order?.find((o) => scoredBy(o.registration_id) < need)?.registration_id ?? null;
  }

  function hideMsg() { msg.hidden = true; }
  function say(text, kind = 'error') { msg.textContent = text; msg.dataset.kind = kind; msg.hidden = false; }

  function select(regId) {
    if (st.selected !== regId) { input.value = ''; reason.value = ''; st.correcting = false; hideMsg(); }
    st.selected = regId;
    paint();
    if (regId) input.focus({ preventScroll: true });
  }

  function firstOpen() {
    const now = nowRegId();
    if (now && !st.mine.has(now)) return now;
    return st.order?.find((o) => !st.mine.has(o.registration_id) && !pendingFor(o.registration_id))?.registration_id ?? now ?? st.order?.[0]?.registration_id ?? null;
  }

  function row(o, nowId) {
    const mine = st.mine.get(o.registration_id);
    const pending = pendingFor(o.registration_id);
    const tags = [
      o.registration_id === nowId ? h('span', { class: 'j-tag j-tag-now' }, t('judge.now')) : null,
      pending ? h('span', { class: 'j-tag j-tag-pending' }, sender.online ? t('judge.sending') : t('judge.retrying')) : null,
      mine && (mine.replaces || mine.reason) ? h('span', { class: 'j-tag j-tag-corrected', dataset: { corrected: 'yes' } }, t('judge.corrected')) : null,
    ];
    return h('li', {
      class: `j-row${o.registration_id === nowId ? ' is-now' : ''}${o.registration_id === st.selected ? ' is-selected' : ''}${mine ? ' is-scored' : ''}`,
      dataset: { regId: o.registration_id, position: o.position },
    }, h('button', { type: 'button', class: 'j-row-btn', onclick: () => select(o.registration_id) },
      h('span', { class: 'j-pos' }, String(o.position)),
      h('span', { class: 'j-who' }, h('strong', { class: 'j-name' }, o.name), h('small', { class: 'j-unit' }, o.unit || '')),
      h('span', { class: 'j-tags' }, tags),
      h('span', { class: 'j-my-score', dataset: { value: mine ? String(mine.score) : '' } }, mine ? fmtPoints(mine.score) : '—')));
  }

  function paint() {
    const published = Boolean(st.results?.published);
    status.textContent = published ? t('judge.published') : t('judge.live');
    status.dataset.state = published ? 'published' : 'live';
    if (!st.loaded) { replace(list); orderNote.textContent = t('common.loading'); form.hidden = true; return; }
    if (!st.drawn) { replace(list); orderNote.textContent = t('judge.not_drawn'); form.hidden = true; return; }
    const nowId = nowRegId();
    orderNote.textContent = t('judge.order_note', { n: st.order.length, done: st.order.filter((o) => st.mine.has(o.registration_id)).length });
    replace(list, st.order.map((o) => row(o, nowId)));
    const cur = entry(st.selected);
    form.hidden = !cur;
    if (!cur) return;
    const mine = st.mine.get(cur.registration_id);
    const pending = pendingFor(cur.registration_id);
    form.dataset.regId = String(cur.registration_id);
    slot.pos.textContent = t('judge.position', { n: cur.position });
    slot.name.textContent = cur.name;
    slot.unit.textContent = cur.unit || '';
    slot.now.hidden = cur.registration_id !== nowId;
    slot.mine.hidden = !mine;
    slot.mine.textContent = mine ? t('judge.your_score', { score: fmtPoints(mine.score) }) + (mine.replaces || mine.reason ? ` · ${t('judge.corrected')}` : '') : '';
    const locked = published || (mine && !st.correcting) || pending || st.busy;
    input.disabled = locked;
    for (const b of form.querySelectorAll('.j-key')) b.disabled = locked;
    correct.hidden = !mine || st.correcting || published || pending;
    reasonRow.hidden = !st.correcting;
    submit.hidden = Boolean(mine) && !st.correcting;
    submit.disabled = locked;
    submit.textContent = pending ? (sender.online ? t('judge.sending') : t('judge.retrying')) : st.correcting ? t('judge.submit_correction') : t('judge.submit');
    if (published) say(t('score.published'), 'warn');
  }

  async function refresh() {
    try {
      const [draw, scores, results] = await Promise.all([
        get(`/events/${eventId}/competition/items/${item.id}/draw`).catch((e) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
        get(`/events/${eventId}/competition/scores?item_id=${item.id}`),
        get(`/events/${eventId}/competition/results`),
      ]);
      st.drawn = Boolean(draw);
      st.order = draw ? [...draw.order].sort((a, b) => a.position - b.position) : [];
      st.mine = new Map((scores.items || scores.scores || [])
        .filter((s) => s.item_id === item.id && (me.role === 'judge' || [me.username, `user:${me.username}`].includes(s.judge)))
        .map((s) => [s.registration_id, s]));
      st.results = results;
      st.loaded = true;
      if (!entry(st.selected)) st.selected = null;
      if (st.selected === null) st.selected = firstOpen();
      paint();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) location.assign(`/?next=${encodeURIComponent('/judge')}`);
    }
  }

  function explain(e) {
    const code = e?.code;
    if (code === 'already_scored') { st.correcting = true; return t(REASONS[code]); }
    if (REASONS[code]) return t(REASONS[code]);
    if (e?.fields?.score) return localize(e.fields.score);
    if (e?.fields?.reason) return localize(e.fields.reason);
    return e instanceof ApiError ? (e.message || t('error.generic')) : t('error.network');
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cur = entry(st.selected);
    if (!cur || st.busy) return;
    const parsed = parsePoints(input.value, item.max_score);
    if (parsed.error) { say(t(parsed.error, { max: fmtPoints(item.max_score) })); input.focus(); return; }
    const why = reason.value.trim();
    if (st.correcting && !why) { say(t('score.err_reason')); reason.focus(); return; }
    hideMsg();
    st.busy = true;
    paint();
    const outcome = await sender.submit({ eventId, itemId: item.id, registrationId: cur.registration_id, score: parsed.value, reason: st.correcting ? why : null });
    st.busy = false;
    if (outcome.ok) {
      const s = outcome.data.score;
      st.mine.set(cur.registration_id, s);
      st.correcting = false;
      input.value = '';
      reason.value = '';
      const next = firstOpen();
      st.selected = next === cur.registration_id ? cur.registration_id : next;
      say(t('judge.saved', { name: cur.name, score: fmtPoints(s.score) }), 'ok');
      paint();
      refresh();
      return;
    }
    say(explain(outcome.error));
    if (outcome.error?.code === 'already_scored') await refresh();
    paint();
  });
  correct.addEventListener('click', () => { st.correcting = true; hideMsg(); paint(); input.focus(); });

  // Scores from other judges and new draws move "now competing": reload when the stream says
  // this event changed (at most twice a second), and now and then in case the stream is down.
  let timer = null;
  const soon = () => { if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, 500); };
  const feed = openBoardFeed({ onUpdate: (f) => { if ((f.events || []).some((e) => e.id === eventId)) soon(); } });
  const poll = setInterval(refresh, POLL_MS);
  paint();
  refresh();

  return {
    el,
    paint,
    refresh,
    close() { feed.close(); clearInterval(poll); clearTimeout(timer); },
  };
}
