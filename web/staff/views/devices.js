// Kiosk devices (admin): add one and show its pairing link and QR code once; revoke.
import { get, post } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t, localize } from '../../shared/i18n.js';
import { fmt } from '../../shared/format.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy, pageHead, loading, alertBox, confirmAction, toast, promptText } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';

export function pairingLink(token, eventId) {
  const hash = new URLSearchParams({ token });
  if (eventId) hash.set('event', String(eventId));
  return `${location.origin}/kiosk#${hash}`;
}

function pairingPanel(device, link, eventTitle) {
  const copy = h('button', { class: 'btn', type: 'button' }, t('devices.copy'));
  copy.onclick = async () => {
    try { await navigator.clipboard.writeText(link); toast(t('devices.copied')); } catch { linkBox.select(); }
  };
  const linkBox = h('input', { type: 'text', class: 'mono pair-link', readOnly: true, value: link, 'aria-label': t('devices.link'), onfocus: (e) => e.target.select() });
  return h('section', { class: 'card pairing', dataset: { deviceId: device.id } },
    h('div', { class: 'pairing-qr' },
      h('img', { src: `/api/v1/qr.svg?text=${encodeURIComponent(link)}`, alt: t('devices.qr_alt'), width: 240, height: 240 })),
    h('div', { class: 'pairing-text' },
      h('h2', {}, t('devices.paired_title', { name: device.name })),
      h('p', {}, eventTitle ? t('devices.bound_to', { title: eventTitle }) : t('devices.any_event')),
      h('ol', { class: 'help-list' },
        h('li', {}, t('devices.step1')),
        h('li', {}, t('devices.step2')),
        h('li', {}, t('devices.step3'))),
      h('div', { class: 'copy-row' }, linkBox, copy),
      h('p', { class: 'alert alert-warn' }, t('devices.once'))));
}

export async function devicesView({ root }) {
  root.append(pageHead(t('devices.title'), { sub: t('devices.sub') }));
  if (!isAdmin()) { root.append(alertBox(t('error.admin_only'))); return; }
  const listSlot = h('div', {}, loading());
  const pairSlot = h('div', {});
  const alert = h('div', { class: 'alert-slot' });
  let events = [];

  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, t('devices.create'));
  const eventSelect = select([['', t('devices.any_event_option')]]);
  const form = h('form', { class: 'card form-inline', novalidate: true },
    alert,
    field({ name: 'name', label: t('devices.name'), input: input({ maxlength: 50, placeholder: t('devices.name_ph') }) }),
    field({ name: 'event_id', label: t('devices.event'), input: eventSelect }),
    field({ name: 'pin', label: t('door.pin'), hint: t('door.pin_field_hint'), input: input({ type: 'password', inputmode: 'numeric', maxlength: 8, autocomplete: 'new-password' }) }),
    h('div', { class: 'form-actions' }, submit));
  root.append(form, pairSlot, h('h2', { class: 'section-title' }, t('devices.list')), listSlot);

  async function loadList() {
    try {
      const { items } = await get('/devices');
      const title = (id) => events.find((e) => e.id === id)?.title || `#${id}`;
      replace(listSlot, items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, [t('devices.name'), t('devices.event'), t('devices.created'), t('devices.state'), ''].map((x) => h('th', {}, x)))),
        h('tbody', {}, items.map((d) => {
          const revoke = d.revoked_at ? null : h('button', { class: 'btn btn-small btn-danger', type: 'button', dataset: { action: 'revoke' } }, t('devices.revoke'));
          if (revoke) {
            revoke.onclick = async () => {
              if (!(await confirmAction({ title: t('devices.revoke_q', { name: d.name }), body: t('devices.revoke_body'), ok: t('devices.revoke'), danger: true }))) return;
              busy(revoke, async () => {
                try { await post(`/devices/${d.id}/revoke`, {}); toast(t('devices.revoked_done')); loadList(); } catch (e) { if (!handleAuthError(e)) toast(errorText(e), 'error'); }
              });
            };
          }
          // A kiosk paired before PINs existed gets one here (door, issue 11).
          const setPin = d.revoked_at ? null : h('button', { class: 'btn btn-small', type: 'button', dataset: { action: 'set-pin' } }, t('door.set_pin'));
          if (setPin) {
            setPin.onclick = async () => {
              const pin = await promptText({ title: t('door.set_pin_q', { name: d.name }), label: t('door.pin'), ok: t('door.set_pin'), maxlength: 8 });
              if (pin == null) return;
              busy(setPin, async () => {
                try { await post(`/devices/${d.id}/pin`, { pin }); toast(t('door.pin_set_done')); } catch (e) { if (!handleAuthError(e)) toast(localize(e.fields?.pin) || errorText(e), 'error'); }
              });
            };
          }
          return h('tr', { dataset: { deviceId: d.id } },
            h('td', {}, d.name),
            h('td', {}, d.event_id ? title(d.event_id) : h('span', { class: 'muted' }, t('devices.any_event_short'))),
            h('td', { class: 'muted' }, fmt(d.created_at)),
            h('td', {}, d.revoked_at ? h('span', { class: 'badge badge-cancelled' }, `${t('devices.revoked')} ${fmt(d.revoked_at)}`) : h('span', { class: 'badge badge-confirmed' }, t('devices.active'))),
            h('td', { class: 'right' }, setPin, ' ', revoke));
        })))) : h('div', { class: 'empty' }, t('devices.none')));
    } catch (e) {
      if (!handleAuthError(e)) replace(listSlot, alertBox(errorText(e)));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const eventId = eventSelect.value ? Number(eventSelect.value) : null;
    const pin = form.elements.pin.value.trim();
    // A kiosk free to choose its event needs a PIN, or a passer-by could switch it.
    if (!eventId && !pin) { showFieldErrors(form, { pin: t('door.pin_required') }); return; }
    busy(submit, async () => {
      try {
        const d = await post('/devices', { name: form.elements.name.value, event_id: eventId, ...(pin ? { pin } : {}) });
        const link = pairingLink(d.token, eventId);
        replace(pairSlot, pairingPanel(d, link, eventId ? events.find((x) => x.id === eventId)?.title : null));
        form.reset();
        loadList();
      } catch (err) {
        if (handleAuthError(err)) return;
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });

  try {
    events = (await get('/events')).items;
    for (const ev of events) eventSelect.append(h('option', { value: ev.id }, ev.title));
  } catch (e) { if (handleAuthError(e)) return; }
  loadList();
}
