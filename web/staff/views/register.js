// Register one participant. Validation is the server's: its `fields` appear under the inputs.
import { get, post } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { icon } from '../../shared/icons.js';
import { withEvent, refreshEventHeader } from './event_chrome.js';
import { unitPicker } from './unit_picker.js';
import { field, input, select, showFieldErrors, setAlert, errorText, busy } from '../ui.js';
import { handleAuthError } from '../session.js';

const CATEGORIES = ['doctor', 'nurse', 'public', 'competitor', 'guest', 'staff'];

function defaultCategory(kind) {
  if (kind === 'clinic' || kind === 'lecture') return 'public';
  if (kind === 'competition') return 'competitor';
  return 'doctor';
}

async function waitlistPosition(eventId) {
  try {
    const page = await get(`/events/${eventId}/registrations?status=waitlisted&limit=1`);
    return page.total;  // the newest is last in line
  } catch { return null; }
}

function resultCard(ev, reg, position, again) {
  const waitlisted = reg.status === 'waitlisted';
  return h('section', { class: `result-card ${waitlisted ? 'is-waitlisted' : 'is-confirmed'}`, role: 'status', dataset: { status: reg.status } },
    h('div', { class: 'result-icon' }, icon(waitlisted ? 'clock' : 'check')),
    h('div', { class: 'result-body' },
      h('h2', {}, waitlisted ? t('register.waitlisted') : t('register.confirmed')),
      h('p', { class: 'result-name' }, reg.name, h('span', { class: 'muted' }, ` · ${reg.phone}`)),
      waitlisted ? h('p', {}, position ? t('register.waitlist_position', { n: position }) : t('register.waitlist_note')) : h('p', {}, t('register.ticket_ready')),
      h('p', { class: 'mono ticket-code' }, reg.code),
      h('div', { class: 'result-actions' },
        h('a', { class: 'btn', href: `#/registrations/${reg.id}` }, t('register.open')),
        !waitlisted ? h('a', { class: 'btn', href: `/t/${encodeURIComponent(reg.code)}`, target: '_blank', rel: 'noopener' }, t('reg.ticket')) : null,
        h('button', { class: 'btn btn-primary', type: 'button', onclick: again }, t('register.again')))));
}

export async function registerView({ root, params }) {
  const ev = await withEvent(root, params.id, 'register');
  if (!ev) return;
  const alert = h('div', { class: 'alert-slot' });
  const unitField = unitPicker();
  const outcome = h('div', { class: 'outcome-slot' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, t('register.submit'));
  const form = h('form', { class: 'card form-grid', novalidate: true, dataset: { form: 'register' } },
    ev.status !== 'open' ? h('div', { class: 'alert alert-warn wide' }, t('register.closed')) : null,
    ev.capacity !== null && ev.counts.registered >= ev.capacity
      ? h('div', { class: 'alert alert-warn wide' }, ev.waitlist ? t('register.full_waitlist') : t('register.full')) : null,
    alert,
    field({ name: 'name', label: t('reg.f.name'), input: input({ maxlength: 50, required: true, autocomplete: 'off' }) }),
    field({ name: 'phone', label: t('reg.f.phone'), input: input({ type: 'tel', inputmode: 'tel', maxlength: 20, required: true }), hint: t('reg.f.phone_hint') }),
    unitField.field,
    field({ name: 'category', label: t('reg.f.category'), input: select(CATEGORIES.map((c) => [c, t(`category.${c}`)]), { value: defaultCategory(ev.kind) }) }),
    field({ name: 'id_number', label: t('reg.f.id_number'), input: input({ maxlength: 18, inputmode: 'numeric' }), hint: t('reg.f.id_number_hint') }),
    h('div', { class: 'form-actions wide' }, submit));
  root.append(outcome, form);

  const again = () => {
    replace(outcome);
    form.reset();
    form.elements.category.value = defaultCategory(ev.kind);
    unitField.reset();
    showFieldErrors(form, {});
    form.hidden = false;
    form.elements.name.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setAlert(alert, '');
    showFieldErrors(form, {});
    const f = form.elements;
    const body = {
      name: f.name.value, phone: f.phone.value, organization: f.organization.value,
      category: f.category.value, id_number: f.id_number.value.trim() || null,
    };
    const unit = unitField.unit();
    if (unit) body.unit_id = unit.id;
    busy(submit, async () => {
      try {
        const reg = await post(`/events/${ev.id}/registrations`, body);
        const position = reg.status === 'waitlisted' ? await waitlistPosition(ev.id) : null;
        form.hidden = true;
        replace(outcome, resultCard(ev, reg, position, again));
        refreshEventHeader(root, ev.id, 'register');
      } catch (err) {
        if (handleAuthError(err)) return;
        if (err.code === 'duplicate' && err.error.registration_id) {
          replace(alert, h('div', { class: 'alert alert-warn', role: 'alert' },
            h('span', {}, t('register.duplicate')), ' ',
            h('a', { class: 'btn btn-small', href: `#/registrations/${err.error.registration_id}`, dataset: { action: 'open-existing' } }, t('register.open_existing'))));
          showFieldErrors(form, { phone: t('register.duplicate_field') });
          return;
        }
        const rest = showFieldErrors(form, err.fields);
        if (!Object.keys(err.fields || {}).length || rest.length) setAlert(alert, [errorText(err), ...rest].join(' '));
      }
    });
  });
  form.elements.name.focus();
}
