// The public's own sign-up (/s/): open events → the form → the ticket with its QR code;
// "find my ticket"; the ticket page with waitlist place, promotion and cancel. Hash routes,
// so the server serves one page: #/ · #/e/{id} · #/t/{code} · #/find.
import { replace } from '../shared/dom.js';
import { applyStatic, langSwitch, onLangChange } from '../shared/i18n.js';
import { eventsView } from './events.js';
import { signupView } from './signup.js';
import { ticketView } from './ticket.js';
import { findView } from './find.js';

const app = document.getElementById('app');
document.getElementById('lang-slot').append(langSwitch());

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('/').filter(Boolean);
  const root = replace(app);
  window.scrollTo(0, 0);
  if (parts[0] === 'e' && /^\d+$/.test(parts[1] || '')) return signupView(root, Number(parts[1]));
  if (parts[0] === 't' && parts[1]) return ticketView(root, decodeURIComponent(parts[1]));
  if (parts[0] === 'find') return findView(root);
  return eventsView(root);
}

window.addEventListener('hashchange', route);
window.addEventListener('qiandao:route', route);  // common.js go() to the same hash
onLangChange(() => { applyStatic(); route(); });
applyStatic();
route();
