-- Qiandao schema v4: the offline door (ticket-list cursor, conflicts, kiosk PIN), the
-- public's own sign-up, consent to the personal-information notice. Never edit once
-- shipped: add 005_*.sql instead.

-- registrations.source gains 'public'. A CHECK cannot be altered in place, so the table is
-- rebuilt; other tables reference registrations(id), and the ids are kept, so the foreign
-- keys are checked once at COMMIT, when they point at the new table.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE registrations_v4 (
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES events(id),
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  phone         TEXT NOT NULL,
  organization  TEXT NOT NULL DEFAULT '',
  category      TEXT NOT NULL DEFAULT 'public',
  id_number     TEXT,
  status        TEXT NOT NULL CHECK (status IN ('confirmed','waitlisted','cancelled')),
  source        TEXT NOT NULL CHECK (source IN ('staff','import','walk_in','public')),
  created_at    TEXT NOT NULL,
  checked_in_at TEXT,
  unit_id       INTEGER REFERENCES units(id),
  leave_reason  TEXT,
  leave_at      TEXT,
  leave_by      TEXT,
  -- 个人信息告知: when the person accepted the notice (walk-ins and public sign-ups).
  consent_at    TEXT,
  -- The event's door_rev when this row last changed as a door sees it: the cursor of the
  -- kiosks' ticket-list delta feed.
  door_rev      INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO registrations_v4 (id, event_id, code, name, phone, organization, category, id_number,
                              status, source, created_at, checked_in_at, unit_id, leave_reason,
                              leave_at, leave_by, door_rev)
  SELECT id, event_id, code, name, phone, organization, category, id_number, status, source,
         created_at, checked_in_at, unit_id, leave_reason, leave_at, leave_by, id
  FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_v4 RENAME TO registrations;
CREATE UNIQUE INDEX registrations_event_phone
  ON registrations(event_id, phone) WHERE status <> 'cancelled';
CREATE INDEX registrations_event_status ON registrations(event_id, status, id);
CREATE INDEX registrations_event_unit ON registrations(event_id, unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX registrations_event_door_rev ON registrations(event_id, door_rev);

ALTER TABLE events ADD COLUMN door_rev INTEGER NOT NULL DEFAULT 0;
UPDATE events SET door_rev = (SELECT COALESCE(MAX(id), 0) FROM registrations r WHERE r.event_id = events.id);

-- Every change a door can see moves the event's counter and stamps the row with it. The
-- event row is already written by the same statements' counters, so no new lock is taken.
CREATE TRIGGER registrations_door_rev_insert AFTER INSERT ON registrations
BEGIN
  UPDATE events SET door_rev = door_rev + 1 WHERE id = NEW.event_id;
  UPDATE registrations SET door_rev = (SELECT door_rev FROM events WHERE id = NEW.event_id) WHERE id = NEW.id;
END;
CREATE TRIGGER registrations_door_rev_update
AFTER UPDATE OF code, name, organization, unit_id, status, checked_in_at, leave_at ON registrations
BEGIN
  UPDATE events SET door_rev = door_rev + 1 WHERE id = NEW.event_id;
  UPDATE registrations SET door_rev = (SELECT door_rev FROM events WHERE id = NEW.event_id) WHERE id = NEW.id;
END;

-- Public sign-up (/s/): opened per event by an admin, with a closing time and the extra
-- fields it requires (comma-separated: id_number, organization).
ALTER TABLE events ADD COLUMN public_signup INTEGER NOT NULL DEFAULT 0 CHECK (public_signup IN (0, 1));
ALTER TABLE events ADD COLUMN public_closes_at TEXT;
ALTER TABLE events ADD COLUMN public_requires TEXT NOT NULL DEFAULT '';

-- A kiosk's staff PIN, set at pairing: switching the kiosk's event asks for it.
ALTER TABLE devices ADD COLUMN pin_hash TEXT;

-- 待处理: a scan answered offline by a kiosk that the server, on replay, answered otherwise.
CREATE TABLE door_conflicts (
  id              INTEGER PRIMARY KEY,
  event_id        INTEGER NOT NULL REFERENCES events(id),
  registration_id INTEGER REFERENCES registrations(id),
  nonce           TEXT NOT NULL UNIQUE,
  device          TEXT NOT NULL,           -- the kiosk's actor name
  code            TEXT,                    -- what was scanned (a ticket code, not personal data)
  kiosk_answer    TEXT NOT NULL CHECK (kiosk_answer IN ('ok','already','bad')),
  outcome         TEXT NOT NULL,           -- the server's answer on replay
  scanned_at      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  resolved_at     TEXT,
  resolved_by     TEXT,
  resolution      TEXT CHECK (resolution IS NULL OR resolution IN ('admit','refuse')),
  note            TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX door_conflicts_open ON door_conflicts(event_id, resolved_at, id);
