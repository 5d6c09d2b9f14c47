// The event form's public sign-up settings (/s/): on/off, the closing time, the extra
// fields the public must give. Kept apart from event_form.js, which only places them.
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { toLocalInput, fromLocalInput } from '../../shared/format.js';
import { field, input } from '../ui.js';

const REQUIRABLE = ['id_number', 'organization'];

function check(name, label, checked) {
  const box = h('input', { type: 'checkbox', name, id: `f-${name}`, checked });
  return h('label', { for: box.id, class: 'check-label' }, box, h('span', {}, label));
}

export function publicFields(ev) {
  const requires = ev.public_requires || [];
  return h('fieldset', { class: 'field wide public-signup', dataset: { section: 'public-signup' } },
    h('legend', {}, t('pub.f.legend')),
    check('public_signup', t('pub.f.open'), Boolean(ev.public_signup)),
    h('span', { class: 'field-hint' }, t('pub.f.open_hint')),
    field({ name: 'public_closes_at', label: t('pub.f.closes_at'), hint: t('pub.f.closes_at_hint'),
      input: input({ type: 'datetime-local', value: toLocalInput(ev.public_closes_at) }) }),
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('pub.f.requires')),
      ...REQUIRABLE.map((name) => check(`public_requires_${name}`, t(`pub.f.requires_${name}`), requires.includes(name))),
      h('span', { class: 'field-error', dataset: { errorFor: 'public_requires' } })),
    h('span', { class: 'field-error', dataset: { errorFor: 'public_signup' } }));
}

export function readPublicFields(form) {
  const f = form.elements;
  return {
    public_signup: f.public_signup.checked,
    public_closes_at: f.public_closes_at.value ? fromLocalInput(f.public_closes_at.value) : null,
    public_requires: REQUIRABLE.filter((name) => f[`public_requires_${name}`].checked),
  };
}
