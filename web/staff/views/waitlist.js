// The waitlist in the order it will be promoted (oldest first).
import { get } from '../../shared/api.js';
import { h, replace } from '../../shared/dom.js';
import { t } from '../../shared/i18n.js';
import { withEvent } from './event_chrome.js';
import { regTable, pager } from './reg_table.js';
import { alertBox, errorText, loading } from '../ui.js';
import { handleAuthError } from '../session.js';

const LIMIT = 100;

export async function waitlistView({ root, params }) {
  const ev = await withEvent(root, params.id, 'waitlist');
  if (!ev) return;
  const results = h('div', { class: 'results' }, loading());
  const note = ev.waitlist ? t('waitlist.note') : t('waitlist.off');
  root.append(h('section', { class: 'card' }, h('p', { class: 'muted' }, note), results));
  async function load(offset) {
    try {
      const page = await get(`/events/${ev.id}/registrations?status=waitlisted&limit=${LIMIT}&offset=${offset}`);
      replace(results,
        page.items.length ? regTable(page.items, { position: true, offset }) : h('div', { class: 'empty' }, t('waitlist.empty')),
        pager(page.total, offset, LIMIT, load));
    } catch (e) {
      if (!handleAuthError(e)) replace(results, alertBox(errorText(e)));
    }
  }
  load(0);
}
