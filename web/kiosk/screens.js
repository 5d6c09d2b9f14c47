// The kiosk's full screens: waiting for a scan, choosing the event, and the messages shown
// when the device is not (or no longer) paired.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtRange, kindLabel } from '../shared/format.js';
import { cameraAvailable } from './camera.js';
import { icon } from '../shared/icons.js';

export function idleScreen({ event, onLookup, onWalkIn, onCamera }) {
  return h('section', { class: 'k-idle', dataset: { screen: 'idle' } },
    h('div', { class: 'k-hero' },
      h('div', { class: 'k-scanframe', 'aria-hidden': 'true' },
        h('span', { class: 'c tl' }), h('span', { class: 'c tr' }), h('span', { class: 'c bl' }), h('span', { class: 'c br' }),
        h('div', { class: 'k-qrglyph' }), h('span', { class: 'k-scanline' })),
      h('div', { class: 'k-hero-text' },
        h('h1', { class: 'k-prompt' }, t('kiosk.scan_prompt')),
        h('p', { class: 'k-hint' }, t('kiosk.scan_hint')))),
    h('div', { class: 'k-actions' },
      h('button', { class: 'k-btn', type: 'button', onclick: onLookup, dataset: { action: 'lookup' } },
        icon('phone', 'k-btn-icon'), t('kiosk.lookup')),
      event.walk_ins ? h('button', { class: 'k-btn', type: 'button', onclick: onWalkIn, dataset: { action: 'walk-in' } },
        icon('pen', 'k-btn-icon'), t('kiosk.walk_in')) : null,
      cameraAvailable() ? h('button', { class: 'k-btn', type: 'button', onclick: onCamera, dataset: { action: 'camera' } },
        icon('camera', 'k-btn-icon'), t('kiosk.camera')) : null));
}

export function pickScreen({ events, error, onPick, onBack }) {
  const open = (events || []).filter((e) => e.status !== 'cancelled');
  return h('section', { class: 'k-pick', dataset: { screen: 'pick' } },
    h('h1', { class: 'k-section-title' }, t('kiosk.pick_title')),
    error ? h('p', { class: 'k-note' }, t('kiosk.pick_offline')) : null,
    !error && !open.length ? h('p', { class: 'k-note' }, t('kiosk.pick_none')) : null,
    h('div', { class: 'k-pick-list' }, open.map((e) =>
      h('button', { class: 'k-pick-item', type: 'button', onclick: () => onPick(e), dataset: { eventId: e.id } },
        h('span', { class: `k-kind kind-${e.kind}` }, kindLabel(e.kind)),
        h('strong', {}, e.title),
        h('span', { class: 'k-pick-meta' }, fmtRange(e.starts_at, e.ends_at), e.venue ? ` · ${e.venue}` : '')))),
    onBack ? h('button', { class: 'k-btn k-btn-quiet', type: 'button', onclick: onBack }, t('kiosk.back')) : null);
}

export function messageScreen({ title, body, action }) {
  return h('section', { class: 'k-message', dataset: { screen: 'message' } },
    h('div', { class: 'k-message-icon' }, icon('lock')),
    h('h1', {}, title),
    h('p', {}, body),
    action || null);
}

export function cameraScreen({ onClose }) {
  const video = h('video', { class: 'k-video', muted: true, playsInline: true, autoplay: true });
  const status = h('p', { class: 'k-note' }, t('kiosk.camera_loading'));
  const el = h('section', { class: 'k-camera', dataset: { screen: 'camera' } },
    h('h1', { class: 'k-section-title' }, t('kiosk.camera_title')),
    h('div', { class: 'k-video-wrap' }, video, h('div', { class: 'k-video-frame', 'aria-hidden': 'true' })),
    status,
    h('button', { class: 'k-btn k-btn-quiet', type: 'button', onclick: onClose }, t('kiosk.back')));
  return { el, video, status };
}
