// Registers the door's service worker (/sw.js) so this page starts with the server down.
// Browsers allow it on https:// and on localhost only; elsewhere the page simply works
// online as before. When a new binary's worker takes over, the page reloads once so the
// new pages replace the old on this very visit.
export function registerDoorWorker({ canReload = () => true } = {}) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloaded = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController || reloaded) return;
    const reload = () => {
      if (reloaded) return;
      if (!canReload()) { setTimeout(reload, 5000); return; }
      reloaded = true;
      location.reload();
    };
    reload();
  });
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => {
    console.warn('qiandao: service worker not registered', e);
  });
}
