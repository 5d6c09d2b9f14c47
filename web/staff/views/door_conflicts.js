// 待处理 / needs attention: scans a kiosk answered offline that the server, on replay,
// answered otherwise (cancelled meanwhile, admitted at another door, unknown, or turned
// away though valid). Staff admit or refuse each with a note; both are audited.
import { get, post } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { select, errorText, busy, pageHead, loading, alertBox, toast } from '../ui.js';
import { handleAuthError } from '../session.js';

// The open count for the navigation's badge; null when it cannot be read.
export async function openConflicts() {
  try { return (await get('/door/conflicts?state=open')).open; } catch { return null; }
}

function deviceName(label) { return String(label || '').replace(/^device:/, ''); }

function row(c, reload) {
  const note = h('input', { type: 'text', class: 'input input-small conflict-note', maxlength: 200, placeholder: t('door.note_ph'), 'aria-label': t('door.note') });
  const act = (resolution) => {
    const btn = h('button', { class: `btn btn-small ${resolution === 'admit' ? 'btn-primary' : 'btn-danger'}`, type: 'button', dataset: { action: resolution } }, t(`door.${resolution}`));
    btn.onclick = () => busy(btn, async () => {
      try {
        await post(`/door/conflicts/${c.id}/resolve`, { resolution, note: note.value.trim() });
        toast(t(`door.${resolution}_done`));
        reload();
      } catch (e) { if (!handleAuthError(e)) toast(errorText(e), 'error'); }
    });
    return btn;
  };
  const reg = c.registration;
  const who = reg
    ? [h('strong', {}, reg.name), h('br'), h('span', { class: 'muted' }, [reg.unit || reg.organization, reg.phone].filter(Boolean).join(' · '))]
    : [h('span', { class: 'muted' }, t('door.unknown_ticket'))];
  return h('tr', { dataset: { conflictId: c.id, state: c.state } },
    h('td', {}, fmt(c.scanned_at, 'seconds')),
    h('td', {}, c.event_title),
    h('td', {}, deviceName(c.device)),
    h('td', {}, ...who, c.code ? [h('br'), h('span', { class: 'mono muted' }, c.code)] : null),
    h('td', {}, h('span', { class: `badge door-kiosk-${c.kiosk_answer}` }, t(`door.kiosk_said.${c.kiosk_answer}`))),
    h('td', { class: 'conflict-outcome', dataset: { outcome: c.outcome } }, t(`door.outcome.${c.outcome}`)),
    c.state === 'open'
      ? h('td', { class: 'right conflict-actions' }, note, act('admit'), act('refuse'))
      : h('td', { class: 'muted' }, `${t(`door.resolved.${c.resolution}`)} · ${deviceName(c.resolved_by).replace(/^user:/, '')} · ${fmt(c.resolved_at)}`, c.note ? h('div', {}, c.note) : null));
}

export async function conflictsView({ root, query }) {
  const state = select([['open', t('door.state.open')], ['resolved', t('door.state.resolved')], ['all', t('door.state.all')]], { 'aria-label': t('door.state_label') });
  state.value = query.get('state') || 'open';
  const list = h('div', {}, loading());
  root.append(pageHead(t('door.title'), { sub: t('door.sub') }), h('div', { class: 'toolbar' }, state), list);

  async function load() {
    try {
      const { items, open } = await get(`/door/conflicts?state=${state.value}`);
      document.dispatchEvent(new CustomEvent('qiandao:conflicts', { detail: open }));
      replace(list, items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table conflicts' },
        h('thead', {}, h('tr', {}, ['scanned', 'event', 'kiosk', 'who', 'kiosk_answer', 'outcome', ''].map((k) => h('th', {}, k ? t(`door.col.${k}`) : '')))),
        h('tbody', {}, items.map((c) => row(c, load))))) : h('div', { class: 'empty' }, t('door.none')));
    } catch (e) {
      if (!handleAuthError(e)) replace(list, alertBox(errorText(e)));
    }
  }
  state.onchange = load;
  await load();
  const timer = setInterval(() => { if (state.value === 'open' && !root.querySelector('.conflict-note:focus')) load(); }, 15000);
  return () => clearInterval(timer);
}
