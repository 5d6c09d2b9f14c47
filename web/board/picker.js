// The AV operator's event picker: a settings overlay on the stage, opened with the E key or
// the corner button (shown only while the mouse moves), listing every event with a
// checkbox. Apply writes the choice into the address and localStorage; Default clears it.
import { h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { fmtRange, kindLabel } from '../shared/format.js';

export function createPicker(stage, { selection, label, onChoose }) {
  const list = h('ul', { class: 'b-pick-list' });
  const overlay = h('div', { class: 'b-pick', hidden: true, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'b-pick-title' },
    h('div', { class: 'b-pick-box' },
      h('h2', { class: 'b-pick-title', id: 'b-pick-title' }, label('board.pick.title')),
      h('p', { class: 'b-pick-hint' }, label('board.pick.hint')),
      list,
      h('div', { class: 'b-pick-actions' },
        h('button', { type: 'button', class: 'b-pick-default', onclick: () => choose([]) }, label('board.pick.default')),
        h('button', { type: 'button', class: 'b-pick-close', onclick: () => close() }, label('board.pick.close')),
        h('button', { type: 'button', class: 'b-pick-apply', onclick: () => choose(ticked()) }, label('board.pick.apply')))));
  const button = h('button', { type: 'button', class: 'b-pick-open', title: t('board.pick.open'), 'aria-label': t('board.pick.open'), onclick: () => open() }, '⚙');
  stage.append(button, overlay);

  const ticked = () => [...list.querySelectorAll('input:checked')].map((i) => Number(i.value));

  function fill() {
    const chosen = new Set(selection.ids);
    list.replaceChildren(...selection.all().map((row) => {
      const tags = [];
      if (row.status === 'cancelled') tags.push(t('board.pick.cancelled'));
      else if (!selection.isCurrent(row)) tags.push(t('board.pick.ended'));
      const box = h('input', { type: 'checkbox', value: String(row.id), checked: chosen.has(row.id) });
      return h('li', { dataset: { eventId: row.id, current: selection.isCurrent(row) ? 'yes' : 'no' } },
        h('label', {}, box,
          h('span', { class: 'b-pick-name' }, row.title),
          h('span', { class: 'b-pick-meta' }, [kindLabel(row.kind), fmtRange(row.starts_at, row.ends_at), ...tags].filter(Boolean).join(' · '))));
    }));
  }

  function open() {
    fill();
    overlay.hidden = false;
    list.querySelector('input')?.focus();
  }
  function close() { overlay.hidden = true; }
  function choose(ids) {
    onChoose(selection.choose(ids));
    close();
  }

  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !overlay.hidden) close();
    else if ((ev.key === 'e' || ev.key === 'E') && overlay.hidden && !ev.ctrlKey && !ev.metaKey && !ev.altKey) open();
  });
  // The corner button shows for a few seconds after the mouse moves, never on a still screen.
  let hide = 0;
  document.addEventListener('pointermove', () => {
    stage.classList.add('is-pointing');
    clearTimeout(hide);
    hide = setTimeout(() => stage.classList.remove('is-pointing'), 3000);
  });
  return {
    get open() { return !overlay.hidden; },
    repaint() { button.title = t('board.pick.open'); if (!overlay.hidden) fill(); },
  };
}
