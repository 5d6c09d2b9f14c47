// The ticket: status, waitlist place or promotion, the QR code to save or screenshot, and
// the holder's cancel (asked twice). The code in the URL hash never reaches a server log.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { post } from '../shared/api.js';
import { fmtRange } from '../shared/format.js';
import { alertBox, backLink, errorText, loading, saveCode } from './common.js';

// The server's SVG as an image (no markup parsed into the page).
function qrImage(ticket) {
  return h('img', {
    class: `p-qr${ticket.status === 'cancelled' ? ' void' : ''}`,
    alt: `${t('pub.ticket.code')} ${ticket.code}`,
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticket.qr_svg)}`,
    dataset: { code: ticket.code },
  });
}

function statusNotes(ticket) {
  const notes = [];
  if (ticket.status === 'waitlisted' && ticket.waitlist_position)
    notes.push(alertBox(t('pub.ticket.position', { n: ticket.waitlist_position }), 'warn'));
  if (ticket.status === 'confirmed' && ticket.promoted) notes.push(alertBox(t('pub.ticket.promoted'), 'ok'));
  if (ticket.checked_in) notes.push(alertBox(t('pub.ticket.checked_in'), 'ok'));
  return notes;
}

// One ticket as a card; `full` adds the cancel button and the printable link.
export function ticketCard(ticket, { full = false, onChange } = {}) {
  const ev = ticket.event;
  const card = h('article', { class: 'p-card p-ticket', dataset: { ticket: ticket.code, status: ticket.status } },
    h('h2', {}, ev.title),
    h('p', { class: 'p-meta' }, fmtRange(ev.starts_at, ev.ends_at)),
    ev.venue ? h('p', { class: 'p-meta' }, ev.venue) : null,
    h('span', { class: `p-status ${ticket.status}`, dataset: { role: 'status' } }, t(`pub.ticket.${ticket.status}`)),
    ...statusNotes(ticket),
    h('p', { class: 'p-meta' }, `${ticket.name} · ${ticket.phone}`),
    qrImage(ticket),
    ticket.status !== 'cancelled' ? h('p', { class: 'p-save' }, t('pub.ticket.save')) : null,
    h('p', { class: 'p-code' }, `${t('pub.ticket.code')}：${ticket.code}`),
    full ? null : h('div', { class: 'p-actions' }, h('a', { class: 'btn', href: `#/t/${ticket.code}` }, t('pub.ticket.title'))));
  if (full && ticket.status !== 'cancelled' && !ticket.checked_in) card.append(cancelArea(ticket, onChange));
  if (full) card.append(h('div', { class: 'p-actions' },
    h('a', { class: 'btn', href: ticket.ticket_url, target: '_blank', rel: 'noopener' }, t('pub.ticket.print'))));
  return card;
}

function cancelArea(ticket, onChange) {
  const slot = h('div', { class: 'p-actions' });
  const ask = h('button', { class: 'btn btn-danger', type: 'button', dataset: { action: 'cancel' } }, t('pub.ticket.cancel'));
  ask.addEventListener('click', () => {
    const yes = h('button', { class: 'btn btn-danger', type: 'button', dataset: { action: 'cancel-yes' } }, t('pub.ticket.cancel_yes'));
    const no = h('button', { class: 'btn', type: 'button', dataset: { action: 'cancel-no' } }, t('pub.ticket.cancel_no'));
    const box = h('div', { class: 'p-confirm', role: 'alertdialog' }, h('p', {}, t('pub.ticket.cancel_confirm')), h('div', { class: 'p-actions' }, yes, no));
    slot.replaceChildren(box);
    no.addEventListener('click', () => slot.replaceChildren(ask));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        onChange(await post('/public/ticket/cancel', { code: ticket.code }), t('pub.ticket.cancelled_done'));
      } catch (e) {
        slot.replaceChildren(alertBox(errorText(e)), ask);
      }
    });
  });
  slot.append(ask);
  return slot;
}

export async function ticketView(root, code) {
  root.append(backLink());
  const body = root.appendChild(h('div'));
  const show = (ticket, message) => {
    body.replaceChildren(...[
      message ? alertBox(message, 'ok') : null,
      ticketCard(ticket, { full: true, onChange: show }),
      h('div', { class: 'p-actions' }, refresh)].filter(Boolean));
  };
  const refresh = h('button', { class: 'btn', type: 'button', dataset: { action: 'refresh' } }, t('pub.ticket.refresh'));
  const load = async () => {
    body.replaceChildren(loading());
    try {
      const ticket = await post('/public/ticket', { code });
      saveCode(ticket.code);
      show(ticket);
    } catch (e) {
      body.replaceChildren(alertBox(errorText(e)), h('div', { class: 'p-actions' }, refresh));
    }
  };
  refresh.addEventListener('click', load);
  await load();
}
