// The kiosk's offline ticket list, like pretixSCAN: each ticket of its event as a digest
// of its code (SHA-256, hex), its status, the masked name and unit, and whether it is in.
// Kept current while online from GET /events/{id}/door-list?since=cursor; offline a scan
// is answered from it at once. No phone, ID number or full name is ever stored here.
import { get } from '../shared/api.js';
import { runStore } from './queue.js';

const memory = new Map();  // where IndexedDB cannot be opened
const cursors = new Map();

// Same rule as the server's normalize_code: upper case, O→0, I/L→1, no dashes or spaces.
export function normalizeCode(raw) {
  return String(raw).toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/[-\s]/g, '');
}

export async function codeDigest(code) {
  if (!globalThis.crypto?.subtle) return null;  // not a secure context: no offline answers
  const bytes = new TextEncoder().encode(normalizeCode(code));
  const d = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const key = (eventId, digest) => `${eventId}:${digest}`;

async function readTicket(eventId, digest) {
  const k = key(eventId, digest);
  const stored = await runStore('tickets', 'readonly', (store, done) => {
    const req = store.get(k);
    req.onsuccess = () => done(req.result || null);
  }).catch(() => undefined);
  return stored === undefined ? memory.get(k) || null : stored;
}

async function writeTickets(eventId, items) {
  const rows = items.map((i) => ({ ...i, key: key(eventId, i.digest), event_id: eventId }));
  for (const r of rows) memory.set(r.key, r);
  await runStore('tickets', 'readwrite', (store) => { for (const r of rows) store.put(r); }).catch(() => {});
}

async function readCursor(eventId) {
  if (cursors.has(eventId)) return cursors.get(eventId);
  const row = await runStore('meta', 'readonly', (store, done) => {
    const req = store.get(`cursor:${eventId}`);
    req.onsuccess = () => done(req.result || null);
  }).catch(() => null);
  return row?.value || 0;
}

async function writeCursor(eventId, value) {
  cursors.set(eventId, value);
  await runStore('meta', 'readwrite', (store) => store.put({ key: `cursor:${eventId}`, value })).catch(() => {});
}

// Fetches what changed since the last cursor, page by page; returns the kiosk's open
// conflicts count. Throws as api() does when the server cannot be reached.
export async function syncTickets(eventId) {
  let since = await readCursor(eventId);
  let open = 0;
  for (;;) {
    const page = await get(`/events/${eventId}/door-list?since=${since}`);
    if (page.items.length) await writeTickets(eventId, page.items);
    since = page.cursor;
    await writeCursor(eventId, since);
    open = page.conflicts_open;
    if (!page.more) break;
  }
  return open;
}

// The offline answer to a scanned code: ok (green, marked in here at once), already
// (amber), bad (red); null when the page cannot hash (not a secure context).
export async function decideOffline(eventId, code) {
  const digest = await codeDigest(code);
  if (!digest) return null;
  const ticket = await readTicket(eventId, digest);
  const registration = ticket ? { id: ticket.id, name: ticket.name, organization: ticket.unit || ticket.organization } : null;
  if (!ticket) return { tone: 'bad', reason: 'not_found', answer: 'bad', registration };
  if (ticket.status !== 'confirmed') return { tone: 'bad', reason: ticket.status, answer: 'bad', registration };
  if (ticket.checked_in_at) return { tone: 'already', at: ticket.checked_in_at, answer: 'already', registration };
  const at = new Date().toISOString();
  await writeTickets(eventId, [{ ...ticket, checked_in_at: at }]);
  return { tone: 'ok', at, answer: 'ok', registration };
}
