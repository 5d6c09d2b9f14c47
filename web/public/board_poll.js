// Polls the public board's figures, one request at a time, about every `every` ms. Each poll
// sends the last ETag, so an unchanged answer is a bodiless 304 (from the server, or from an
// nginx micro-cache in front of it). No cookie goes with it: the answer is the same for all.
// A hidden tab stops polling and catches up as soon as it is shown again.
const STALE_AFTER_MS = 6000;

export function pollPublicBoard({ url = '/api/v1/board/public', every = 1500, onFigures, onState }) {
  let etag = null;
  let timer = 0;
  let lastOk = 0;
  let unchanged = 0;  // 304s so far, for the curious (and the tests)

  function schedule(ms = every) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  async function poll() {
    if (document.hidden) return;
    try {
      const headers = { Accept: 'application/json' };
      if (etag) headers['If-None-Match'] = etag;
      const res = await fetch(url, { headers, cache: 'no-store', credentials: 'omit' });
      if (res.status === 304) {
        unchanged += 1;
      } else if (res.ok) {
        const figures = await res.json();
        etag = res.headers.get('ETag');
        onFigures(figures);
      } else {
        throw new Error(`HTTP ${res.status}`);
      }
      lastOk = Date.now();
      onState('live', { unchanged, lastOk });
    } catch {
      // A blip is not news: the figures are called stale only after a few failed polls.
      if (!lastOk) onState('offline', { unchanged, lastOk });
      else if (Date.now() - lastOk > STALE_AFTER_MS) onState('stale', { unchanged, lastOk });
    }
    schedule();
  }

  document.addEventListener('visibilitychange', () => { if (!document.hidden) schedule(0); });
  schedule(0);
}
