// The offline outbox: check-ins (and walk-ins) that could not reach the server, kept in
// IndexedDB with the nonce they were made with, oldest first. A write resolves only when
// its transaction has completed, so a queued scan survives a reload or a power cut.
const DB_NAME = 'qiandao-kiosk';
const STORE = 'outbox';
// Version 2 adds the offline ticket list (tickets.js): `tickets` keyed by event and code
// digest, `meta` for each event's feed cursor.
const DB_VERSION = 2;
let dbPromise = null;
let memory = null;  // used only where IndexedDB cannot be opened (e.g. some private modes)

function openDb() {
  dbPromise ||= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'nonce' }).createIndex('created', 'created');
      if (!db.objectStoreNames.contains('tickets')) db.createObjectStore('tickets', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked'));
  }).catch((e) => {
    console.warn('qiandao: IndexedDB unavailable, queue kept in memory only', e);
    memory = [];
    return null;
  });
  return dbPromise;
}

// Runs fn on one object store in one transaction; resolves once it has completed.
export function runStore(name, mode, fn) {
  return openDb().then((db) => {
    if (!db) return undefined;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      let result;
      fn(tx.objectStore(name), (r) => { result = r; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  });
}

const run = (mode, fn) => runStore(STORE, mode, fn);

export async function enqueue(item) {
  if (!(await openDb())) { memory.push(item); return; }
  await run('readwrite', (store) => store.put(item));
}

export async function pending() {
  if (!(await openDb())) return [...memory];
  return run('readonly', (store, done) => {
    const req = store.index('created').getAll();
    req.onsuccess = () => done(req.result);
  });
}

export async function remove(nonce) {
  if (!(await openDb())) { memory = memory.filter((x) => x.nonce !== nonce); return; }
  await run('readwrite', (store) => store.delete(nonce));
}

export async function count() {
  if (!(await openDb())) return memory.length;
  return run('readonly', (store, done) => {
    const req = store.count();
    req.onsuccess = () => done(req.result);
  });
}
