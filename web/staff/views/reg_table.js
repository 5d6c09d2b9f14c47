// A table of registrations; each name opens the registration's page.
import { h } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmt, categoryLabel } from '../../shared/format.js';
import { badge } from '../ui.js';

export function regTable(items, { position = false, offset = 0 } = {}) {
  const head = [
    position ? t('reg.position') : null,
    t('reg.f.name'), t('reg.f.phone'), t('reg.f.organization'), t('reg.f.category'),
    t('reg.status'), t('reg.checked_in_at'), t('reg.created_at'),
  ].filter((x) => x !== null);
  const rows = items.map((r, i) => {
    const open = () => { location.hash = `#/registrations/${r.id}`; };
    return h('tr', { class: 'clickable', dataset: { id: r.id }, onclick: (e) => { if (e.target.tagName !== 'A') open(); } },
      position ? h('td', { class: 'num' }, String(offset + i + 1)) : null,
      h('td', {}, h('a', { href: `#/registrations/${r.id}` }, r.name)),
      h('td', { class: 'mono' }, r.phone),
      h('td', {}, r.organization || '—'),
      h('td', {}, categoryLabel(r.category)),
      h('td', {}, badge(r.status), r.leave && !r.checked_in_at ? [' ', h('span', { class: 'badge badge-leave' }, t('reg.on_leave'))] : null),
      h('td', {}, r.checked_in_at ? h('span', { class: 'checked' }, `✓ ${fmt(r.checked_in_at)}`) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'muted' }, fmt(r.created_at), ' · ', t(`source.${r.source}`)));
  });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))),
      h('tbody', {}, rows)));
}

export function pager(total, offset, limit, go) {
  if (total <= limit && offset === 0) return h('p', { class: 'pager muted' }, t('pager.total', { n: total }));
  const from = total ? offset + 1 : 0;
  const to = Math.min(total, offset + limit);
  return h('div', { class: 'pager' },
    h('span', { class: 'muted' }, t('pager.range', { from, to, n: total })),
    h('button', { class: 'btn btn-small', type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, t('pager.prev')),
    h('button', { class: 'btn btn-small', type: 'button', disabled: to >= total, onclick: () => go(offset + limit) }, t('pager.next')));
}
