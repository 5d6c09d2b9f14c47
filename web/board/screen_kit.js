// What the board's one-event screens (units, competition) share: following one event row
// through snapshots and updates, and a ranked list whose rows slide to their new places.

// Follows the event `pick` chooses from a snapshot (or from the first update that has one),
// merging each update's row for it into what is shown, and calls `show(row)` after each.
export function followEvent(pick, show) {
  let current = null;
  return {
    snapshot(f) {
      current = pick(f.events || []);
      show(current);
    },
    update(f) {
      const events = f.events || [];
      const mine = current ? events.find((e) => e.id === current.id) : pick(events);
      if (!mine) return;
      current = { ...current, ...mine };
      show(current);
    },
    repaint: () => show(current),
  };
}

// Rows that change place slide there (FLIP): measure, reorder, then animate the difference
// (offsetTop is in the stage's own pixels, whatever scale the screen applies). `rows` keeps
// each row between paints; `makeRow()` gives {root, paint(entry, rank)}. Keys can repeat
// (masked names: two 张*明 from one unit), so a repeat gets a key of its own.
export function flipList(list, rows, entries, baseKey, makeRow) {
  const seen = new Map();
  const keyOf = (e) => {
    const k = String(baseKey(e));
    if (!seen.has(e)) seen.set(e, `${k}#${[...seen.values()].filter((x) => x.startsWith(`${k}#`)).length}`);
    return seen.get(e);
  };
  const before = new Map([...rows].map(([k, r]) => [k, r.root.offsetTop]));
  const keys = new Set(entries.map(keyOf));
  for (const k of [...rows.keys()]) if (!keys.has(k)) rows.delete(k);
  list.replaceChildren(...entries.map((e, i) => {
    const k = keyOf(e);
    if (!rows.has(k)) rows.set(k, makeRow());
    rows.get(k).paint(e, i + 1);
    return rows.get(k).root;
  }));
  for (const [k, r] of rows) {
    const was = before.get(k);
    const dy = was === undefined ? 0 : was - r.root.offsetTop;
    if (!dy || document.hidden) continue;
    r.root.style.transition = 'none';
    r.root.style.transform = `translateY(${dy}px)`;
    requestAnimationFrame(() => { r.root.style.transition = ''; r.root.style.transform = ''; });
  }
}
