// One item of a competition: the roll-call (检录: present, missing, no-show after the
// deadline), which follows check-ins live, and the draw (抽签): run once among those present,
// shown with its seed and algorithm so anyone can reproduce it; a redraw is for an admin,
// with a reason, and the old draw is kept.
import { get, post, ApiError } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt, fmtPoints, fmtNumber } from '../../shared/format.js';
import { withCompetition, compNav, followEvent, who } from './comp_shared.js';
import { alertBox, errorText, loading, busy, confirmAction, promptText, toast, setAlert } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const STATUSES = ['present', 'missing', 'no_show'];

function itemFacts(item) {
  const facts = [
    t('comp.max_n', { n: fmtPoints(item.max_score) }),
    t('comp.judges_n', { n: item.judges || 1 }),
    item.time_limit_s ? t('comp.minutes', { m: +(item.time_limit_s / 60).toFixed(1) }) : null,
    item.station ? `${t('comp.f.station')}${t('common.colon')}${item.station}` : null,
    item.roll_call_deadline ? t('comp.deadline_at', { time: fmt(item.roll_call_deadline) }) : null,
  ];
  return h('p', { class: 'page-sub comp-facts' }, facts.filter(Boolean).join(' · '));
}

function rollCallCard(rc) {
  const count = (s) => rc.entries.filter((e) => e.status === s).length;
  return h('section', { class: 'card comp-rollcall', dataset: { present: count('present'), missing: count('missing'), noShow: count('no_show') } },
    h('h2', { class: 'section-title' }, t('comp.roll_call')),
    h('div', { class: 'summary comp-rc-summary' }, STATUSES.map((s) => h('div', { class: `summary-item rc-${s}`, dataset: { count: s } }, h('span', {}, t(`comp.rc.${s}`)), h('strong', {}, fmtNumber(count(s)))))),
    rc.past_deadline ? h('p', { class: 'alert alert-warn' }, t('comp.past_deadline')) : null,
    rc.entries.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table rollcall-table' },
      h('thead', {}, h('tr', {}, [t('reg.f.name'), t('reg.unit'), t('reg.checked_in_at'), t('reg.status')].map((x) => h('th', {}, x)))),
      h('tbody', {}, rc.entries.map((e) => h('tr', { dataset: { regId: e.registration_id, status: e.status } },
        h('td', {}, h('a', { href: `#/registrations/${e.registration_id}` }, e.name)),
        h('td', {}, e.unit || '—'),
        h('td', { class: 'muted' }, e.checked_in_at ? fmt(e.checked_in_at, 'seconds') : '—'),
        h('td', {}, h('span', { class: `badge badge-rc-${e.status}` }, t(`comp.rc.${e.status}`))))))))
      : h('div', { class: 'empty' }, t('comp.no_competitors')));
}

function drawTable(draw) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table draw-order' },
    h('thead', {}, h('tr', {}, [t('comp.position'), t('reg.f.name'), t('reg.unit')].map((x) => h('th', {}, x)))),
    h('tbody', {}, draw.order.map((o) => h('tr', { dataset: { regId: o.registration_id, position: o.position } },
      h('td', { class: 'num draw-pos' }, String(o.position)), h('td', {}, o.name), h('td', {}, o.unit || '—'))))));
}

function drawCard(draw, { present, nameOf, onDraw, onRedraw }) {
  const alert = h('div', { class: 'alert-slot' });
  if (!draw) {
    const btn = h('button', { class: 'btn btn-primary btn-big', type: 'button', dataset: { action: 'draw' }, disabled: present === 0 }, t('comp.draw'));
    btn.addEventListener('click', () => onDraw(btn, alert));
    return h('section', { class: 'card comp-draw', dataset: { drawn: 'no' } },
      h('h2', { class: 'section-title' }, t('comp.draw_title')), alert,
      h('p', {}, t('comp.draw_help', { n: present })), btn);
  }
  const redraw = isAdmin() ? h('button', { class: 'btn btn-warn', type: 'button', dataset: { action: 'redraw' } }, t('comp.redraw')) : null;
  redraw?.addEventListener('click', () => onRedraw(redraw, alert));
  return h('section', { class: 'card comp-draw', dataset: { drawn: 'yes', drawId: draw.id } },
    h('h2', { class: 'section-title' }, t('comp.draw_title')), alert,
    h('dl', { class: 'dl draw-facts' },
      h('div', { class: 'dl-row' }, h('dt', {}, t('comp.seed')), h('dd', { class: 'mono draw-seed', dataset: { seed: draw.seed } }, draw.seed)),
      h('div', { class: 'dl-row' }, h('dt', {}, t('comp.algorithm')), h('dd', { class: 'mono draw-algorithm' }, draw.algorithm)),
      h('div', { class: 'dl-row' }, h('dt', {}, t('comp.drawn')), h('dd', {}, t('comp.drawn_by', { by: who(draw.drawn_by), at: fmt(draw.drawn_at, 'seconds') })))),
    drawTable(draw),
    draw.no_shows?.length ? h('p', { class: 'muted draw-no-shows' }, t('comp.not_in_order'), t('common.colon'),
      draw.no_shows.map((n) => (typeof n === 'object' ? n.name : nameOf(n))).join('、')) : null,
    h('p', { class: 'muted small' }, t('comp.draw_reproducible')),
    redraw ? h('div', { class: 'form-actions' }, redraw, h('span', { class: 'muted small' }, t('comp.redraw_note'))) : null);
}

export async function compItemView({ root, params }) {
  const got = await withCompetition(root, params.id);
  if (!got) return undefined;
  const { ev, comp } = got;
  const item = comp?.items?.find((i) => i.id === Number(params.item));
  if (!item) { root.append(alertBox(t('error.not_found'))); return undefined; }
  const base = `/events/${ev.id}/competition/items/${item.id}`;
  const out = h('div', { class: 'comp-item-grid' }, loading());
  root.append(compNav(ev, comp, `item-${item.id}`),
    h('header', { class: 'page-head comp-item-head' }, h('div', {}, h('h1', {}, `${comp.items.indexOf(item) + 1}. ${item.name}`), itemFacts(item))),
    out);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const [rc, draw] = await Promise.all([
        get(`${base}/roll-call`),
        get(`${base}/draw`).catch((e) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
      ]);
      if (mine !== seq) return;
      const present = rc.entries.filter((e) => e.status === 'present').length;
      const nameOf = (id) => rc.entries.find((e) => e.registration_id === id)?.name || `#${id}`;
      replace(out, rollCallCard(rc), drawCard(draw, { present, nameOf, onDraw, onRedraw }));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(out, alertBox(errorText(e)));
    }
  }

  async function send(button, alert, body) {
    await busy(button, async () => {
      try {
        await post(`${base}/draw`, body);
        toast(t('comp.drawn_done'));
        await load();
      } catch (e) {
        if (handleAuthError(e)) return;
        const known = ['already_drawn', 'nobody_present', 'published'];
        setAlert(alert, known.includes(e.code) ? t(`comp.err.${e.code}`) : errorText(e));
      }
    });
  }
  async function onDraw(button, alert) {
    const ok = await confirmAction({ title: t('comp.draw_q', { item: item.name }), body: t('comp.draw_q_body'), ok: t('comp.draw') });
    if (ok) await send(button, alert, {});
  }
  async function onRedraw(button, alert) {
    const reason = await promptText({ title: t('comp.redraw_q', { item: item.name }), label: t('comp.redraw_reason'), ok: t('common.continue') });
    if (!reason) return;
    const ok = await confirmAction({ title: t('comp.redraw_confirm'), body: t('comp.redraw_confirm_body', { reason }), ok: t('comp.redraw'), danger: true });
    if (ok) await send(button, alert, { redraw_reason: reason });
  }

  await load();
  return followEvent(ev.id, load, 1500);
}
