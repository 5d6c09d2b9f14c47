// Which events the board shows. `?events=3,5` names them; else the AV operator's last choice
// (kept in localStorage); else every event neither cancelled nor ended before today (the
// programme's day, `today` in the snapshot). The stream carries every event, so one frame
// serves every board; each board keeps the whole programme here and shows its part.
const KEY = 'qiandao.board.events';

export const parseIds = (text) => [...new Set(String(text || '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0))];

function stored() {
  try { return parseIds(localStorage.getItem(KEY)); } catch { return []; }
}

// Shown by default: not cancelled, and not ended before the programme's today.
export const isCurrent = (row, today) => row.status !== 'cancelled'
  && (!row.ends_at || !today || row.ends_at.slice(0, 10) >= today);

export function createSelection(query) {
  const named = parseIds(query.get('events'));
  let ids = named.length ? named : stored();
  let today = null;
  const rows = new Map();  // every event of the programme, as the stream last sent it
  let recent = [];         // the latest check-ins of every event, oldest first

  const shows = (row) => (ids.length ? ids.includes(row.id) : isCurrent(row, today));
  const shownRows = () => {
    const all = [...rows.values()];
    return ids.length ? ids.map((id) => rows.get(id)).filter(Boolean) : all.filter(shows);
  };
  const shownKey = () => shownRows().map((r) => r.id).join(',');
  const shownIds = () => new Set(shownRows().map((r) => r.id));

  // Totals over the events shown only.
  function totals() {
    const t = { registered: 0, waitlisted: 0, checked_in: 0, served: 0 };
    for (const r of shownRows()) {
      t.registered += r.registered || 0;
      t.waitlisted += r.waitlisted || 0;
      t.checked_in += r.checked_in || 0;
      t.served += r.served || 0;
    }
    return t;
  }

  // The snapshot the screens see: the shown events only, with their totals and check-ins.
  function view(f = {}) {
    const keep = shownIds();
    return { ...f, events: shownRows(), totals: totals(), recent: recent.filter((c) => keep.has(c.event_id)) };
  }

  return {
    get ids() { return ids; },
    get today() { return today; },
    all: () => [...rows.values()].sort((a, b) => a.id - b.id),
    shownIds,
    isCurrent: (row) => isCurrent(row, today),
    // A snapshot: the whole programme anew.
    snapshot(f) {
      today = f.today || today;
      rows.clear();
      for (const r of f.events || []) rows.set(r.id, r);
      recent = [...(f.recent || [])];
      return view(f);
    },
    // An update: `reshape` when the set shown changed (an event cancelled, one added), else
    // the frame with just the shown rows and check-ins and totals over what is shown.
    update(f) {
      const before = shownKey();
      for (const r of f.events || []) rows.set(r.id, { ...rows.get(r.id), ...r });
      recent = recent.concat(f.recent || []).slice(-20);
      if (f.undone?.length) {
        // Take each undone check-in off the recent list (by event and time; names are masked).
        for (const u of f.undone) {
          const i = recent.findLastIndex((c) => c.event_id === u.event_id && c.at === u.at);
          if (i >= 0) recent.splice(i, 1);
        }
      }
      if (shownKey() !== before) return { reshape: view(f) };
      const keep = shownIds();
      return {
        frame: {
          ...f,
          events: (f.events || []).filter((r) => keep.has(r.id)),
          recent: (f.recent || []).filter((c) => keep.has(c.event_id)),
          minutes: f.minutes?.filter((m) => keep.has(m.event_id)),
          // After an undo, the latest check-ins shown anew without it.
          shownRecent: f.undone?.length ? recent.filter((c) => keep.has(c.event_id)) : undefined,
          totals: totals(),
        },
      };
    },
    view,
    // The operator's choice: ids, or [] for the default. Kept in the URL and localStorage.
    choose(next) {
      ids = parseIds(next.join(','));
      try {
        if (ids.length) localStorage.setItem(KEY, ids.join(','));
        else localStorage.removeItem(KEY);
      } catch { /* private mode: the URL still carries it */ }
      const url = new URL(location.href);
      if (ids.length) url.searchParams.set('events', ids.join(','));
      else url.searchParams.delete('events');
      history.replaceState(null, '', url);
      return view();
    },
  };
}
