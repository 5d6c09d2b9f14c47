// Hash routes ("#/events/3/register") to views. Each navigation gets a fresh container, so a
// slow view that finishes after the user moved on writes into a detached node, harmlessly.
export function createRouter(routes, mount, { onRoute } = {}) {
  const compiled = routes.map(([pattern, view]) => {
    const names = [];
    const rx = new RegExp(`^${pattern.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; })}$`);
    return { rx, names, view, pattern };
  });
  let cleanup = null;

  function resolve(path) {
    for (const r of compiled) {
      const m = path.match(r.rx);
      if (m) return { r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return null;
  }

  async function render() {
    const [path, query = ''] = (location.hash.slice(1) || '/').split('?');
    const found = resolve(path) || resolve('/');
    if (typeof cleanup === 'function') cleanup();
    cleanup = null;
    const root = document.createElement('div');
    root.className = 'view';
    mount.replaceChildren(root);
    onRoute?.(found.r.pattern, path);
    const result = await found.r.view({ root, params: found.params, query: new URLSearchParams(query) });
    if (root.isConnected) cleanup = result;
    else if (typeof result === 'function') result();
  }

  window.addEventListener('hashchange', render);
  return {
    render,
    go(path) {
      if (location.hash === `#${path}`) render();
      else location.hash = path;
    },
    stop() {
      window.removeEventListener('hashchange', render);
      if (typeof cleanup === 'function') cleanup();
    },
  };
}
