// The door's service worker, served at /sw.js (scope "/") with its version and file list
// filled in by the server: /kiosk, /desk and /judge start with the server down. The
// version is a digest of the binary's web files, so a new binary installs a new worker
// whose cache replaces the old one; the pages reload once when it takes over.
// /api/ and everything not in the list go straight to the network, never to the cache.
const VERSION = '__QIANDAO_VERSION__';
const ASSETS = __QIANDAO_ASSETS__;
const CACHE = `qiandao-door-${VERSION}`;
const PAGES = new Set(['/kiosk', '/desk', '/judge']);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Fresh from the server, not from the HTTP cache: the whole set is of one version.
    await cache.addAll(ASSETS.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys())
      if (key.startsWith('qiandao-door-') && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

function cacheKey(url) {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (PAGES.has(path)) return path;              // /kiosk/, /kiosk?x → /kiosk
  if (ASSETS.includes(url.pathname)) return url.pathname;
  return null;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  const key = cacheKey(url);
  if (!key) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(key);
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok) cache.put(key, res.clone());
    return res;
  })());
});
