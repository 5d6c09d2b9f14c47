// Batch tickets for one event: A4 sheets of 8 (or 4) tickets with the server's QR images.
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { fmtRange } from '../../shared/format.js';
import { alertBox, errorText, loading, select, pageHead } from '../ui.js';
import { handleAuthError } from '../session.js';

async function allConfirmed(eventId) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get(`/events/${eventId}/registrations?status=confirmed&limit=500&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

function ticket(ev, r) {
  return h('article', { class: 'print-ticket' },
    h('p', { class: 'pt-kicker' }, t('print.kicker')),
    h('h3', { class: 'pt-title' }, ev.title),
    h('p', { class: 'pt-when' }, fmtRange(ev.starts_at, ev.ends_at)),
    ev.venue ? h('p', { class: 'pt-where' }, ev.venue) : null,
    h('img', { class: 'pt-qr', src: `/t/${encodeURIComponent(r.code)}/qr.svg`, alt: t('print.qr_alt'), loading: 'eager', decoding: 'async' }),
    h('p', { class: 'pt-name' }, r.name),
    r.organization ? h('p', { class: 'pt-org' }, r.organization) : null,
    h('p', { class: 'pt-code' }, r.code));
}

function sheets(ev, items, perSheet) {
  const out = [];
  for (let i = 0; i < items.length; i += perSheet) {
    out.push(h('section', { class: `sheet per-${perSheet}` }, items.slice(i, i + perSheet).map((r) => ticket(ev, r))));
  }
  return out;
}

export async function printView({ root, params }) {
  const wait = root.appendChild(loading());
  let ev, items;
  try {
    [ev, items] = await Promise.all([get(`/events/${params.id}`), allConfirmed(params.id)]);
  } catch (e) {
    wait.remove();
    if (!handleAuthError(e)) root.append(alertBox(errorText(e)));
    return;
  }
  wait.remove();
  const skipChecked = h('input', { type: 'checkbox', id: 'skip-checked' });
  const layout = select([['8', t('print.per8')], ['4', t('print.per4')]], { 'aria-label': t('print.layout') });
  const count = h('span', { class: 'muted' });
  const paper = h('div', { class: 'paper' });
  const paint = () => {
    const chosen = skipChecked.checked ? items.filter((r) => !r.checked_in_at) : items;
    const per = Number(layout.value);
    count.textContent = t('print.count', { n: chosen.length, pages: Math.ceil(chosen.length / per) });
    replace(paper, chosen.length ? sheets(ev, chosen, per) : h('div', { class: 'empty' }, t('print.none')));
  };
  skipChecked.addEventListener('change', paint);
  layout.addEventListener('change', paint);
  root.append(
    h('div', { class: 'no-print' },
      pageHead(t('print.title'), { sub: ev.title, back: { href: `#/events/${ev.id}`, label: t('common.back') } }),
      h('div', { class: 'card toolbar print-toolbar' },
        layout,
        h('label', { class: 'check-label', for: 'skip-checked' }, skipChecked, h('span', {}, t('print.skip_checked'))),
        count,
        h('button', { class: 'btn btn-primary', type: 'button', onclick: () => window.print() }, t('print.print')))),
    paper);
  paint();
}
