// Live results (成绩): individuals and units as the scores land, marked 暂定 until an admin
// publishes them; publish and unpublish (with a reason); the printable results and the CSV.
import { get, post } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt, fmtPoints } from '../../shared/format.js';
import { withCompetition, compNav, followEvent, provisionalBadge } from './comp_shared.js';
import { alertBox, errorText, loading, busy, confirmAction, promptText, toast, setAlert } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

// A rank shared with the row before or after it is 并列.
export function rankText(rows, i) {
  const r = rows[i].rank;
  const shared = rows[i - 1]?.rank === r || rows[i + 1]?.rank === r;
  return shared ? t('comp.rank_tied', { n: r }) : String(r);
}

export function individualsTable(comp, res, { full = true } = {}) {
  const rows = res.individuals || [];
  const itemCell = (p, item) => {
    const it = p.items?.find((x) => x.item_id === item.id);
    const need = item.judges || 1;
    return h('td', { class: 'num', dataset: { item: item.id } },
      it?.score === null || it?.score === undefined ? '—' : fmtPoints(it.score),
      full && it && it.scored_by < need ? h('small', { class: 'muted scored-by' }, ` (${it.scored_by}/${need})`) : null);
  };
  return h('table', { class: 'table results-individuals' },
    h('thead', {}, h('tr', {},
      h('th', { class: 'num' }, t('comp.rank')), h('th', {}, t('reg.f.name')), h('th', {}, t('reg.unit')),
      comp.items.map((i) => h('th', { class: 'num' }, i.name)),
      h('th', { class: 'num' }, t('comp.total')), full ? h('th', {}, t('comp.complete')) : null)),
    h('tbody', {}, rows.map((p, i) => h('tr', { dataset: { regId: p.registration_id, rank: p.rank, total: p.total } },
      h('td', { class: 'num rank' }, rankText(rows, i)),
      h('td', { class: 'name' }, p.name),
      h('td', {}, p.unit || '—'),
      comp.items.map((item) => itemCell(p, item)),
      h('td', { class: 'num total' }, fmtPoints(p.total)),
      full ? h('td', { class: 'complete' }, p.complete ? h('span', { class: 'badge badge-confirmed' }, '✓ ', t('comp.done')) : h('span', { class: 'muted' }, t('comp.in_progress'))) : null))));
}

export function unitsTable(comp, res) {
  const rows = res.units || [];
  const rule = comp.unit_rule === 'best_n' ? t('comp.unit_rule.best_n', { n: comp.unit_best_n }) : t('comp.unit_rule.sum');
  return h('table', { class: 'table results-units' },
    h('caption', {}, rule),
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, t('comp.rank')), h('th', {}, t('reg.unit')), h('th', { class: 'num' }, t('comp.counted')), h('th', { class: 'num' }, t('comp.total')))),
    h('tbody', {}, rows.map((u, i) => h('tr', { dataset: { unit: u.unit, rank: u.rank, total: u.total } },
      h('td', { class: 'num rank' }, rankText(rows, i)), h('td', {}, u.unit), h('td', { class: 'num' }, String(u.counted ?? '')), h('td', { class: 'num total' }, fmtPoints(u.total))))));
}

function nowNext(res) {
  const slot = (key, s) => h('div', { class: `summary-item now-next ${key}`, dataset: { slot: key, regId: s?.registration_id ?? '' } },
    h('span', {}, t(`comp.${key}`)),
    h('strong', {}, s ? `${s.item} · ${t('comp.position_n', { n: s.position })} · ${s.name}` : '—'));
  return h('div', { class: 'summary' }, slot('now', res.now), slot('next', res.next));
}

export async function compResultsView({ root, params }) {
  const got = await withCompetition(root, params.id);
  if (!got) return undefined;
  const { ev, comp } = got;
  if (!comp) { root.append(alertBox(t('comp.not_configured'), 'warn')); return undefined; }
  const alert = h('div', { class: 'alert-slot' });
  const head = h('div', { class: 'results-head' });
  const out = h('div', {}, loading());
  root.append(compNav(ev, comp, 'results'), alert, head, out);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const res = await get(`/events/${ev.id}/competition/results`);
      if (mine !== seq) return;
      replace(head, actions(res));
      replace(out,
        nowNext(res),
        h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('comp.individuals'), ' ', provisionalBadge(res.published)),
          h('div', { class: 'table-wrap' }, individualsTable(comp, res))),
        h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('comp.units'), ' ', provisionalBadge(res.published)),
          h('div', { class: 'table-wrap' }, unitsTable(comp, res))));
    } catch (e) {
      if (mine === seq && !handleAuthError(e)) replace(out, alertBox(errorText(e)));
    }
  }

  function actions(res) {
    const publish = h('button', { class: 'btn btn-primary', type: 'button', dataset: { action: 'publish' } }, t('comp.publish'));
    const unpublish = h('button', { class: 'btn btn-warn', type: 'button', dataset: { action: 'unpublish' } }, t('comp.unpublish'));
    publish.addEventListener('click', async () => {
      const incomplete = (res.individuals || []).filter((p) => !p.complete).length;
      const ok = await confirmAction({ title: t('comp.publish_q'), body: incomplete ? t('comp.publish_incomplete', { n: incomplete }) : t('comp.publish_body'), ok: t('comp.publish') });
      if (ok) change(publish, 'publish', {}, t('comp.published_done'));
    });
    unpublish.addEventListener('click', async () => {
      const reason = await promptText({ title: t('comp.unpublish_q'), label: t('comp.unpublish_reason'), ok: t('comp.unpublish') });
      if (reason) change(unpublish, 'unpublish', { reason }, t('comp.unpublished_done'));
    });
    return h('div', { class: 'page-head results-actions' },
      h('div', {}, h('h1', {}, t('comp.results'), ' ', provisionalBadge(res.published, res.published_at ? fmt(res.published_at) : null)),
        h('p', { class: 'page-sub' }, res.published ? t('comp.final_note') : t('comp.provisional_note'))),
      h('div', { class: 'page-actions' },
        h('a', { class: 'btn', href: `#/events/${ev.id}/competition/print`, dataset: { action: 'print-results' } }, t('comp.print')),
        isAdmin() ? h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/competition/results.csv`, download: `results-${ev.id}.csv`, dataset: { action: 'results-csv' } }, t('comp.csv')) : null,
        isAdmin() ? h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/competition/results.xlsx`, download: `results-${ev.id}.xlsx`, dataset: { action: 'results-xlsx' } }, t('comp.export_xlsx')) : null,
        isAdmin() ? (res.published ? unpublish : publish) : null));
  }

  function change(button, what, body, done) {
    setAlert(alert, '');
    busy(button, async () => {
      try {
        await post(`/events/${ev.id}/competition/${what}`, body);
        toast(done);
        await load();
      } catch (e) {
        if (!handleAuthError(e)) setAlert(alert, errorText(e));
      }
    });
  }

  await load();
  return followEvent(ev.id, load, 800);
}
