// The results for the award ceremony (表彰), on A4: the individual ranking, the unit
// ranking, the rules, and lines for the chief judge's and the organiser's signatures. Before
// publication the sheet says, large, that the figures are provisional.
import { get } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { loadCompetition } from './comp_shared.js';
import { individualsTable, unitsTable } from './comp_results.js';
import { alertBox, errorText, loading, pageHead } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

export async function compPrintView({ root, params }) {
  const wait = root.appendChild(loading());
  let ev, comp, res, programme;
  try {
    [ev, comp, res, programme] = await Promise.all([
      get(`/events/${params.id}`), loadCompetition(params.id), get(`/events/${params.id}/competition/results`), get('/programme').catch(() => ({})),
    ]);
  } catch (e) {
    wait.remove();
    if (!handleAuthError(e)) root.append(alertBox(errorText(e)));
    return;
  }
  wait.remove();
  if (!comp) { root.append(alertBox(t('comp.not_configured'), 'warn')); return; }
  const rules = `${t('comp.f.scoring_rule')}${t('common.colon')}${t(`comp.rule.${comp.scoring_rule}`)}；${comp.unit_rule === 'best_n' ? t('comp.unit_rule.best_n', { n: comp.unit_best_n }) : t('comp.unit_rule.sum')}`;
  root.append(
    h('div', { class: 'no-print' },
      pageHead(t('comp.print_title'), { sub: ev.title, back: { href: `#/events/${ev.id}/competition/results`, label: t('common.back') } }),
      h('div', { class: 'card toolbar print-toolbar' },
        res.published ? h('span', { class: 'badge badge-final' }, t('comp.final')) : h('span', { class: 'alert alert-warn' }, t('comp.print_provisional_warn')),
        isAdmin() ? h('a', { class: 'btn', href: `/api/v1/events/${ev.id}/competition/results.csv`, download: `results-${ev.id}.csv` }, t('comp.csv')) : null,
        h('button', { class: 'btn btn-primary', type: 'button', dataset: { action: 'print' }, onclick: () => window.print() }, t('print.print')))),
    h('article', { class: `results-paper${res.published ? ' is-final' : ' is-provisional'}`, dataset: { published: res.published ? 'yes' : 'no' } },
      h('header', { class: 'rp-head' },
        programme.title ? h('p', { class: 'rp-kicker' }, programme.title) : null,
        h('h1', {}, ev.title),
        h('p', { class: 'rp-title' }, res.published ? t('comp.print_final') : t('comp.print_provisional')),
        h('p', { class: 'rp-meta' }, [ev.venue, fmt(ev.starts_at, 'long')].filter(Boolean).join(' · '))),
      res.published ? null : h('p', { class: 'rp-stamp' }, t('comp.provisional_stamp')),
      h('section', { class: 'rp-section' }, h('h2', {}, t('comp.individuals')), individualsTable(comp, res, { full: false })),
      h('section', { class: 'rp-section' }, h('h2', {}, t('comp.units')), unitsTable(comp, res)),
      h('p', { class: 'rp-rules' }, rules, '。', t('comp.tie_rule')),
      h('footer', { class: 'rp-sign' },
        h('span', {}, t('comp.sign_chief')), h('span', {}, t('comp.sign_org')),
        h('span', {}, res.published_at ? t('comp.published_at', { time: fmt(res.published_at) }) : t('comp.printed_at', { time: fmt(new Date()) })))));
}
