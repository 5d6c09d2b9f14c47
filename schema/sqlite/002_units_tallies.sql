-- Qiandao schema v2: work units (各医疗卫生单位), quotas, leave, clinic service tallies.
-- Never edit once shipped: add 003_*.sql instead.

CREATE TABLE units (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL
             CHECK (kind IN ('hospital','community','cdc','office','group','other')),
  -- A medical group (医联体) or other umbrella; one level deep, so no cycles.
  parent_id  INTEGER REFERENCES units(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

ALTER TABLE registrations ADD COLUMN unit_id INTEGER REFERENCES units(id);
-- 请假: recorded by staff with a reason; a person on leave is neither present nor absent.
ALTER TABLE registrations ADD COLUMN leave_reason TEXT;
ALTER TABLE registrations ADD COLUMN leave_at TEXT;
ALTER TABLE registrations ADD COLUMN leave_by TEXT;

CREATE INDEX registrations_event_unit ON registrations(event_id, unit_id) WHERE unit_id IS NOT NULL;

-- How many people the commission expects from each unit at an event.
CREATE TABLE event_quotas (
  event_id INTEGER NOT NULL REFERENCES events(id),
  unit_id  INTEGER NOT NULL REFERENCES units(id),
  expected INTEGER NOT NULL CHECK (expected > 0),
  PRIMARY KEY (event_id, unit_id)
) STRICT, WITHOUT ROWID;

-- The service buttons (血压测量, 血糖检测 …) and the sites of a free clinic, in order.
CREATE TABLE event_services (
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (event_id, position)
) STRICT;

CREATE TABLE event_sites (
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (event_id, position)
) STRICT;

-- One anonymous service given at a clinic desk (服务人次). No personal data, ever.
CREATE TABLE tallies (
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES events(id),
  service   TEXT NOT NULL,
  site      TEXT NOT NULL DEFAULT '',
  nonce     TEXT NOT NULL UNIQUE,
  actor     TEXT NOT NULL,
  at        TEXT NOT NULL,
  undone_at TEXT,
  undone_by TEXT
) STRICT;

CREATE INDEX tallies_live ON tallies(event_id, site, service) WHERE undone_at IS NULL;
