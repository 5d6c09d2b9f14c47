// One registration: who, which event, its ticket, and the staff actions on it
// (check in at the desk, undo a check-in, edit the details, cancel).
import { get, post, del, newNonce } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt, categoryLabel, unitKindLabel } from '../../shared/format.js';
import { alertBox, errorText, loading, badge, confirmAction, promptText, toast, busy, pageHead } from '../ui.js';
import { handleAuthError } from '../session.js';
import { editForm } from './reg_edit.js';

function row(label, value, cls) {
  return h('div', { class: 'dl-row' }, h('dt', {}, label), h('dd', { class: cls || null }, value ?? '—'));
}

export async function registrationView({ root, params }) {
  const body = h('div', {}, loading());
  root.append(body);
  const msg = h('div', { class: 'alert-slot' });

  async function load() {
    let reg, ev, unit = null;
    try {
      reg = await get(`/registrations/${params.id}`);
      ev = await get(`/events/${reg.event_id}`);
      if (reg.unit_id) unit = (await get('/units')).items.find((u) => u.id === reg.unit_id) || null;
    } catch (e) {
      if (!handleAuthError(e)) replace(body, alertBox(errorText(e)));
      return;
    }
    replace(body, render(reg, ev, unit));
  }

  const act = (button, work, done) => busy(button, async () => {
    replace(msg);
    try {
      await work();
      toast(done);
      await load();
    } catch (e) {
      if (!handleAuthError(e)) replace(msg, alertBox(errorText(e)));
    }
  });

  function actions(reg) {
    const out = [];
    if (reg.status !== 'cancelled') {
      const b = h('button', { class: 'btn', type: 'button', dataset: { action: 'edit' } }, t('edit.open'));
      b.onclick = () => {
        const card = b.closest('.card');
        card.replaceWith(editForm(reg, {
          done: (updated) => { toast(updated ? t('edit.saved') : t('edit.unchanged')); load(); },
          cancel: () => load(),
        }));
      };
      out.push(b);
    }
    if (reg.status === 'confirmed' && !reg.checkin_id) {
      const b = h('button', { class: 'btn btn-primary', type: 'button', dataset: { action: 'checkin' } }, t('reg.checkin_now'));
      b.onclick = () => act(b, () => post('/checkins', { registration_id: reg.id, nonce: newNonce() }), t('reg.checked_in_done'));
      out.push(b);
    }
    if (reg.checkin_id) {
      const b = h('button', { class: 'btn btn-warn', type: 'button', dataset: { action: 'undo' } }, t('reg.undo'));
      b.onclick = async () => {
        if (await confirmAction({ title: t('reg.undo_q'), body: t('reg.undo_body', { name: reg.name }), ok: t('reg.undo') })) {
          act(b, () => del(`/checkins/${reg.checkin_id}`), t('reg.undone'));
        }
      };
      out.push(b);
    }
    out.push(...leaveActions(reg));
    if (reg.status !== 'cancelled') {
      const b = h('button', { class: 'btn btn-danger', type: 'button', disabled: Boolean(reg.checkin_id), title: reg.checkin_id ? t('reg.cancel_blocked') : null, dataset: { action: 'cancel' } }, t('reg.cancel'));
      b.onclick = async () => {
        if (await confirmAction({ title: t('reg.cancel_q'), body: reg.status === 'confirmed' ? t('reg.cancel_body_promote', { name: reg.name }) : t('reg.cancel_body', { name: reg.name }), ok: t('reg.cancel'), danger: true })) {
          act(b, () => post(`/registrations/${reg.id}/cancel`, {}), t('reg.cancelled_done'));
        }
      };
      out.push(b);
    }
    return out;
  }

  // 请假: recorded with a reason for a confirmed registration not yet checked in; cleared again.
  function leaveActions(reg) {
    if (reg.status !== 'confirmed' || reg.checkin_id) return [];
    const record = h('button', { class: 'btn', type: 'button', dataset: { action: 'leave' } }, reg.leave ? t('reg.leave_change') : t('reg.leave_record'));
    record.onclick = async () => {
      const reason = await promptText({ title: t('reg.leave_q', { name: reg.name }), label: t('reg.leave_reason'), placeholder: t('reg.leave_ph'), value: reg.leave?.reason || '', ok: t('reg.leave_record') });
      if (reason) act(record, () => post(`/registrations/${reg.id}/leave`, { reason }), t('reg.leave_recorded'));
    };
    if (!reg.leave) return [record];
    const clear = h('button', { class: 'btn btn-warn', type: 'button', dataset: { action: 'leave-clear' } }, t('reg.leave_clear'));
    clear.onclick = async () => {
      if (await confirmAction({ title: t('reg.leave_clear_q', { name: reg.name }), ok: t('reg.leave_clear') })) {
        act(clear, () => del(`/registrations/${reg.id}/leave`), t('reg.leave_cleared'));
      }
    };
    return [record, clear];
  }

  function leaveLine(leave) {
    return h('span', { class: 'leave-line' }, h('span', { class: 'badge badge-leave' }, t('reg.on_leave')), ' ', leave.reason,
      h('small', { class: 'muted' }, ` · ${t('reg.leave_by', { by: leave.by || '—', at: fmt(leave.at) })}`));
  }

  function render(reg, ev, unit) {
    const ticketUrl = `/t/${encodeURIComponent(reg.code)}`;
    return h('div', {},
      pageHead(reg.name, { sub: ev.title, back: { href: `#/events/${ev.id}`, label: t('common.back_to_list') } }),
      msg,
      h('div', { class: 'reg-layout' },
        h('section', { class: 'card' },
          h('div', { class: 'reg-status-line' }, badge(reg.status),
            reg.checked_in_at ? h('span', { class: 'badge badge-checked' }, `✓ ${t('reg.checked_in')} ${fmt(reg.checked_in_at)}`) : h('span', { class: 'badge' }, t('reg.not_checked_in')),
            reg.leave && !reg.checked_in_at ? h('span', { class: 'badge badge-leave', dataset: { leave: 'yes' } }, t('reg.on_leave')) : null),
          h('dl', { class: 'dl' },
            row(t('reg.f.name'), reg.name),
            row(t('reg.f.phone'), reg.phone, 'mono'),
            row(t('reg.f.organization'), reg.organization || null),
            row(t('reg.unit'), unit ? `${unit.name}（${unitKindLabel(unit.kind)}）` : reg.unit || null, 'reg-unit'),
            row(t('reg.leave'), reg.leave ? leaveLine(reg.leave) : null, 'reg-leave'),
            row(t('reg.f.category'), categoryLabel(reg.category)),
            row(t('reg.id_number'), reg.id_number, 'mono'),
            row(t('reg.source'), t(`source.${reg.source}`)),
            row(t('reg.created_at'), fmt(reg.created_at)),
            row(t('reg.checked_in_at'), reg.checked_in_at ? fmt(reg.checked_in_at) : null),
            row(t('reg.code'), reg.code, 'mono')),
          h('div', { class: 'form-actions' }, actions(reg)),
          reg.checkin_id ? h('p', { class: 'muted small' }, t('reg.cancel_blocked')) : null),
        h('aside', { class: 'card ticket-card' },
          h('h2', { class: 'section-title' }, t('reg.ticket')),
          reg.status === 'cancelled' ? h('p', { class: 'muted' }, t('reg.ticket_void')) : null,
          h('img', { class: 'ticket-qr', src: `${ticketUrl}/qr.svg`, alt: t('print.qr_alt'), width: 220, height: 220 }),
          h('p', { class: 'mono small' }, reg.code),
          h('a', { class: 'btn', href: ticketUrl, target: '_blank', rel: 'noopener' }, t('reg.open_ticket')))));
  }

  await load();
}
