// A competition's rules and items (竞赛规则与项目). Admins edit them (PUT …/competition):
// the scoring rule, the unit rule (and N), and the items in order with their maximum score,
// time limit, number of judges, station and roll-call deadline. Everyone else reads them.
import { api } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t, localize } from '../../shared/i18n.js';
import { fmt, fmtPoints, toLocalInput, fromLocalInput } from '../../shared/format.js';
import { withCompetition, compNav, loadCompetition } from './comp_shared.js';
import { select, setAlert, errorText, busy, toast, loading } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

const GP_ITEMS = ['导尿术', '留置胃管术', '换药', '胸腔穿刺术', '腹腔穿刺术'];
const COLS = ['name', 'max_score', 'time_limit', 'judges', 'station', 'roll_call_deadline'];

function readOnly(ev, comp) {
  if (!comp) return h('section', { class: 'card' }, h('div', { class: 'empty' }, t('comp.not_configured')), h('p', { class: 'muted small' }, t('comp.admin_only_rules')));
  return h('section', { class: 'card comp-rules-ro' },
    h('h2', { class: 'section-title' }, t('comp.rules')),
    h('p', {}, `${t('comp.f.scoring_rule')}${t('common.colon')}${t(`comp.rule.${comp.scoring_rule}`)}；${t('comp.f.unit_rule')}${t('common.colon')}${t(`comp.unit_rule.${comp.unit_rule}`, { n: comp.unit_best_n })}`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table comp-items-ro' },
      h('thead', {}, h('tr', {}, COLS.map((c) => h('th', {}, t(`comp.f.${c}`))))),
      h('tbody', {}, comp.items.map((i, n) => h('tr', { dataset: { itemId: i.id } },
        h('td', {}, h('a', { href: `#/events/${ev.id}/competition/items/${i.id}` }, `${n + 1}. ${i.name}`)),
        h('td', { class: 'num' }, fmtPoints(i.max_score)),
        h('td', { class: 'num' }, i.time_limit_s ? t('comp.minutes', { m: +(i.time_limit_s / 60).toFixed(1) }) : '—'),
        h('td', { class: 'num' }, String(i.judges || 1)),
        h('td', {}, i.station || '—'),
        h('td', {}, i.roll_call_deadline ? fmt(i.roll_call_deadline) : '—')))))),
    h('p', { class: 'muted small' }, t('comp.admin_only_rules')));
}

function itemRow(item, { onRemove, onMove }) {
  const cell = (col, el) => h('td', { dataset: { col } }, el);
  const num = (props) => h('input', { type: 'number', inputmode: 'decimal', ...props });
  const tr = h('tr', { class: 'comp-item-row', dataset: { itemId: item.id || '' } },
    cell('name', h('input', { type: 'text', maxlength: 100, value: item.name || '', 'aria-label': t('comp.f.name'), dataset: { f: 'name' }, required: true })),
    cell('max_score', num({ min: 0.01, step: 0.01, value: item.max_score ?? 100, 'aria-label': t('comp.f.max_score'), dataset: { f: 'max_score' }, class: 'comp-n' })),
    cell('time_limit', num({ min: 0, step: 0.5, value: item.time_limit_s ? +(item.time_limit_s / 60).toFixed(2) : '', 'aria-label': t('comp.f.time_limit'), dataset: { f: 'time_limit' }, class: 'comp-n' })),
    cell('judges', num({ min: 1, max: 20, step: 1, value: item.judges || 1, 'aria-label': t('comp.f.judges'), dataset: { f: 'judges' }, class: 'comp-n' })),
    cell('station', h('input', { type: 'text', maxlength: 50, value: item.station || '', 'aria-label': t('comp.f.station'), dataset: { f: 'station' } })),
    cell('roll_call_deadline', h('input', { type: 'datetime-local', value: toLocalInput(item.roll_call_deadline), 'aria-label': t('comp.f.roll_call_deadline'), dataset: { f: 'roll_call_deadline' } })),
    h('td', { class: 'comp-row-actions' },
      h('button', { class: 'btn btn-small', type: 'button', 'aria-label': t('comp.up'), onclick: () => onMove(tr, -1) }, '↑'),
      h('button', { class: 'btn btn-small', type: 'button', 'aria-label': t('comp.down'), onclick: () => onMove(tr, 1) }, '↓'),
      h('button', { class: 'btn btn-small btn-danger', type: 'button', 'aria-label': t('comp.remove_item'), dataset: { action: 'remove-item' }, onclick: () => onRemove(tr) }, '×')));
  return tr;
}

function readRow(tr) {
  const v = (f) => tr.querySelector(`[data-f="${f}"]`).value.trim();
  const item = { name: v('name'), max_score: Number(v('max_score')), judges: Number(v('judges')) || 1, station: v('station') };
  if (tr.dataset.itemId) item.id = Number(tr.dataset.itemId);
  item.time_limit_s = v('time_limit') ? Math.round(Number(v('time_limit')) * 60) : null;
  item.roll_call_deadline = v('roll_call_deadline') ? fromLocalInput(v('roll_call_deadline')) : null;
  return item;
}

function editor(ev, comp, { onSaved }) {
  const alert = h('div', { class: 'alert-slot' });
  const scoring = select([['mean', t('comp.rule.mean')], ['trimmed_mean', t('comp.rule.trimmed_mean')]], { id: 'comp-scoring', value: comp?.scoring_rule || 'mean' });
  const unitRule = select([['sum', t('comp.unit_rule_sum')], ['best_n', t('comp.unit_rule_best')]], { id: 'comp-unit-rule', value: comp?.unit_rule || 'sum' });
  const bestN = h('input', { type: 'number', id: 'comp-best-n', min: 1, max: 100, step: 1, value: comp?.unit_best_n || 3, class: 'comp-n' });
  const bestWrap = h('label', { class: 'comp-inline', for: 'comp-best-n' }, t('comp.f.best_n'), bestN);
  const paintBest = () => { bestWrap.hidden = unitRule.value !== 'best_n'; };
  unitRule.addEventListener('change', paintBest);
  paintBest();

  const body = h('tbody');
  const handlers = {
    onRemove: (tr) => tr.remove(),
    onMove: (tr, d) => {
      const sib = d < 0 ? tr.previousElementSibling : tr.nextElementSibling;
      if (sib) (d < 0 ? sib.before(tr) : sib.after(tr));
    },
  };
  const add = (item = {}) => body.append(itemRow(item, handlers));
  for (const i of comp?.items || []) add(i);
  if (!comp?.items?.length) add();

  const addBtn = h('button', { class: 'btn', type: 'button', dataset: { action: 'add-item' }, onclick: () => add() }, `＋ ${t('comp.add_item')}`);
  const gpBtn = h('button', { class: 'btn', type: 'button', dataset: { action: 'gp-items' } }, t('comp.gp_preset'));
  gpBtn.addEventListener('click', () => {
    const have = new Set([...body.querySelectorAll('[data-f=name]')].map((x) => x.value.trim()));
    for (const r of [...body.rows]) if (!r.querySelector('[data-f=name]').value.trim() && !r.dataset.itemId) r.remove();
    for (const name of GP_ITEMS) if (!have.has(name)) add({ name, max_score: 100, judges: 3 });
  });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', dataset: { action: 'save-competition' } }, t('comp.save'));
  const form = h('form', { class: 'card comp-editor', novalidate: true, dataset: { editor: 'competition' } },
    h('h2', { class: 'section-title' }, t('comp.rules')),
    alert,
    h('div', { class: 'toolbar comp-rule-row' },
      h('label', { class: 'comp-inline', for: 'comp-scoring' }, t('comp.f.scoring_rule'), scoring),
      h('label', { class: 'comp-inline', for: 'comp-unit-rule' }, t('comp.f.unit_rule'), unitRule),
      bestWrap),
    h('p', { class: 'muted small' }, t('comp.rules_help')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table comp-items' },
      h('thead', {}, h('tr', {}, COLS.map((c) => h('th', {}, t(`comp.f.${c}`))), h('th', {}))),
      body)),
    h('div', { class: 'form-actions comp-editor-actions' }, addBtn, gpBtn, h('span', { class: 'spacer' }), save));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const items = [...body.rows].map(readRow);
    const payload = { scoring_rule: scoring.value, unit_rule: unitRule.value, unit_best_n: Number(bestN.value) || 1, items };
    busy(save, async () => {
      try {
        await api(`/events/${ev.id}/competition`, { method: 'PUT', body: payload });
        toast(t('comp.saved'));
        onSaved(await loadCompetition(ev.id));
      } catch (err) {
        if (handleAuthError(err)) return;
        setAlert(alert, explainSave(err, body));
      }
    });
  });
  return form;
}

// The server's answer as one message; the inputs it names (items[2].max_score) are marked.
function explainSave(err, body) {
  if (['item_in_use', 'published', 'not_competition'].includes(err.code)) return t(`comp.err.${err.code}`);
  const parts = [];
  for (const [key, message] of Object.entries(err.fields || {})) {
    const m = /^items[.[](\d+)\]?\.(\w+)$/.exec(key);
    const tr = m ? body.rows[Number(m[1])] : null;
    const col = m && (m[2] === 'time_limit_s' ? 'time_limit' : m[2]);
    tr?.querySelector(`[data-f="${col}"]`)?.setAttribute('aria-invalid', 'true');
    parts.push(m ? `${t('comp.item_n', { n: Number(m[1]) + 1 })} ${localize(message)}` : localize(message));
  }
  return parts.length ? parts.join('；') : errorText(err);
}

export async function competitionView({ root, params }) {
  const got = await withCompetition(root, params.id);
  if (!got) return;
  const { ev } = got;
  const nav = h('div');
  const slot = h('div');
  root.append(nav, slot);
  const paint = (comp) => {
    replace(nav, compNav(ev, comp, 'rules'));
    const published = Boolean(comp?.published_at);
    replace(slot,
      published ? h('div', { class: 'alert alert-warn' }, t('comp.locked_published')) : null,
      isAdmin() && !published ? editor(ev, comp, { onSaved: paint }) : readOnly(ev, comp));
  };
  replace(slot, loading());
  paint(got.comp);
}
