// The self-hosted ALTCHA widget (npm altcha v3): the "external" build, whose proof-of-work
// runs in a worker loaded from our own origin (the page's CSP allows no blob: workers), and
// the challenge comes from this server (GET /api/v1/public/challenge), never the internet.
import '/web/vendor/altcha/dist/external/altcha.min.js';
import '/web/vendor/altcha/dist/i18n/zh-cn.js';
import { h } from '../shared/dom.js';
import { getLang, onLangChange } from '../shared/i18n.js';

globalThis.$altcha.algorithms.set('SHA-256', () => new Worker('/web/vendor/altcha/dist/workers/sha.js'));

const language = () => (getLang() === 'zh' ? 'zh-cn' : 'en');

// The widget, solving at once in the background; `payload()` is the solution to send, or
// '' while it is still working; `fresh()` starts a new one after a solution was spent.
export function powWidget() {
  const el = h('altcha-widget', {
    challenge: '/api/v1/public/challenge',
    name: 'altcha',
    auto: 'onload',
    language: language(),
    configuration: JSON.stringify({ hideFooter: true, minDuration: 300 }),
  });
  let payload = '';
  el.addEventListener('statechange', (ev) => {
    payload = ev.detail?.state === 'verified' ? (ev.detail.payload || '') : '';
    el.dataset.state = ev.detail?.state || '';
  });
  const off = onLangChange(() => el.configure?.({ language: language() }));
  return {
    el,
    payload: () => payload,
    fresh() {
      payload = '';
      el.reset?.();
      el.verify?.();
    },
    dispose: off,
  };
}
