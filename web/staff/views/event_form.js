// Create or edit an event (admin). The server validates; its `fields` land under the inputs.
import { get, post, patch } from '../../shared/api.js';
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { toLocalInput, fromLocalInput } from '../../shared/format.js';
import { field, input, select, showFieldErrors, setAlert, errorText, pageHead, loading, alertBox, toast, busy } from '../ui.js';
import { isAdmin, handleAuthError } from '../session.js';
import { publicFields, readPublicFields } from './event_public.js';

const KINDS = ['conference', 'clinic', 'lecture', 'competition', 'salon', 'other'];
const STATUSES = ['open', 'closed', 'cancelled'];
const USUAL_SERVICES = ['血压测量', '血糖检测', '健康咨询', '用药指导', '复诊配药'];

function splitDepartments(text) {
  return text.split(/[,，、;；\n]/).map((s) => s.trim()).filter(Boolean);
}

function checkbox(name, label, checked, hint) {
  const box = h('input', { type: 'checkbox', name, id: `f-${name}`, checked });
  return h('div', { class: 'field check' },
    h('label', { for: box.id, class: 'check-label' }, box, h('span', {}, label)),
    hint ? h('span', { class: 'field-hint' }, hint) : null,
    h('span', { class: 'field-error', dataset: { errorFor: name } }));
}

// The desk's buttons, with a one-tap fill of the services free clinics usually offer.
function servicesField(services) {
  const box = input({ value: services.join('、') });
  const f = field({ name: 'services', label: t('event.f.services'), hint: t('event.f.services_hint'), input: box });
  const fill = h('button', { class: 'btn btn-small', type: 'button', dataset: { action: 'usual-services' } }, t('event.f.services_preset'));
  fill.addEventListener('click', () => { box.value = USUAL_SERVICES.join('、'); box.focus(); });
  box.after(fill);
  fill.classList.add('field-aside');
  return f;
}

export async function eventFormView({ root, params }) {
  const editing = Boolean(params.id);
  const back = editing ? { href: `#/events/${params.id}`, label: t('common.back') } : { href: '#/', label: t('nav.events') };
  root.append(pageHead(editing ? t('event.edit') : t('events.new'), { back }));
  if (!isAdmin()) { root.append(alertBox(t('error.admin_only'))); return; }

  let ev = { kind: 'conference', capacity: null, waitlist: false, walk_ins: false, lead_departments: [], services: [], sites: [], status: 'open' };
  if (editing) {
    const wait = root.appendChild(loading());
    try { ev = await get(`/events/${params.id}`); } catch (e) {
      wait.remove();
      if (!handleAuthError(e)) root.append(alertBox(errorText(e)));
      return;
    }
    wait.remove();
  }

  const alert = h('div', { class: 'alert-slot' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, editing ? t('common.save') : t('events.create'));
  const form = h('form', { class: 'card form-grid', novalidate: true },
    alert,
    field({ name: 'title', label: t('event.f.title'), input: input({ value: ev.title || '', maxlength: 200, required: true }), wide: true }),
    field({ name: 'kind', label: t('event.f.kind'), input: select(KINDS.map((k) => [k, t(`kind.${k}`)]), { value: ev.kind }) }),
    editing ? field({ name: 'status', label: t('event.f.status'), input: select(STATUSES.map((s) => [s, t(`status.${s}`)]), { value: ev.status }) }) : null,
    field({ name: 'venue', label: t('event.f.venue'), input: input({ value: ev.venue || '', maxlength: 200 }), wide: !editing }),
    field({ name: 'starts_at', label: t('event.f.starts_at'), input: input({ type: 'datetime-local', value: toLocalInput(ev.starts_at), required: true }) }),
    field({ name: 'ends_at', label: t('event.f.ends_at'), input: input({ type: 'datetime-local', value: toLocalInput(ev.ends_at), required: true }) }),
    field({ name: 'capacity', label: t('event.f.capacity'), hint: t('event.f.capacity_hint'),
      input: input({ type: 'number', min: 0, step: 1, inputmode: 'numeric', value: ev.capacity ?? '' }) }),
    field({ name: 'lead_departments', label: t('event.f.departments'), hint: t('event.f.departments_hint'),
      input: input({ value: (ev.lead_departments || []).join('、') }) }),
    servicesField(ev.services || []),
    field({ name: 'sites', label: t('event.f.sites'), hint: t('event.f.sites_hint'), input: input({ value: (ev.sites || []).join('、') }) }),
    checkbox('waitlist', t('event.f.waitlist'), ev.waitlist, t('event.f.waitlist_hint')),
    checkbox('walk_ins', t('event.f.walk_ins'), ev.walk_ins, t('event.f.walk_ins_hint')),
    field({ name: 'description', label: t('event.f.description'), input: h('textarea', { rows: 4, maxlength: 5000, value: ev.description || '' }), wide: true }),
    publicFields(ev),
    h('div', { class: 'form-actions wide' }, submit, h('a', { class: 'btn', href: back.href }, t('common.cancel'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    const f = form.elements;
    const cap = f.capacity.value.trim();
    const body = {
      title: f.title.value,
      kind: f.kind.value,
      venue: f.venue.value,
      starts_at: fromLocalInput(f.starts_at.value),
      ends_at: fromLocalInput(f.ends_at.value),
      capacity: cap === '' ? null : Number(cap),
      waitlist: f.waitlist.checked,
      walk_ins: f.walk_ins.checked,
      lead_departments: splitDepartments(f.lead_departments.value),
      services: splitDepartments(f.services.value),
      sites: splitDepartments(f.sites.value),
      description: f.description.value,
      ...readPublicFields(form),
    };
    if (editing) body.status = f.status.value;
    if (cap !== '' && !Number.isInteger(body.capacity)) {
      showFieldErrors(form, { capacity: t('event.f.capacity_bad') });
      return;
    }
    busy(submit, async () => {
      try {
        const saved = editing ? await patch(`/events/${params.id}`, body) : await post('/events', body);
        toast(editing ? t('event.saved') : t('event.created'));
        location.hash = `#/events/${saved.id}`;
      } catch (err) {
        if (handleAuthError(err)) return;
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });
  root.append(form);
  form.elements.title.focus();
}
