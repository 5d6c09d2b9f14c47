-- Qiandao schema v1. Never edit once shipped: add 002_*.sql instead.

CREATE TABLE programme (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  title TEXT NOT NULL,
  theme TEXT NOT NULL
) STRICT;

CREATE TABLE events (
  id               INTEGER PRIMARY KEY,
  title            TEXT NOT NULL,
  kind             TEXT NOT NULL
                   CHECK (kind IN ('conference','clinic','lecture','competition','salon','other')),
  venue            TEXT NOT NULL DEFAULT '',
  starts_at        TEXT NOT NULL,
  ends_at          TEXT NOT NULL,
  capacity         INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  waitlist         INTEGER NOT NULL DEFAULT 0 CHECK (waitlist IN (0, 1)),
  walk_ins         INTEGER NOT NULL DEFAULT 0 CHECK (walk_ins IN (0, 1)),
  description      TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed','cancelled')),
  -- Counters kept by the same statements that change registrations, so capacity is
  -- enforced by one guarded UPDATE rather than count-then-insert.
  confirmed_count  INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_count >= 0),
  waitlisted_count INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted_count >= 0),
  checked_in_count INTEGER NOT NULL DEFAULT 0 CHECK (checked_in_count >= 0),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE event_departments (
  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  PRIMARY KEY (event_id, position)
) STRICT;

CREATE TABLE registrations (
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES events(id),
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  phone         TEXT NOT NULL,
  organization  TEXT NOT NULL DEFAULT '',
  category      TEXT NOT NULL DEFAULT 'public',
  id_number     TEXT,
  status        TEXT NOT NULL CHECK (status IN ('confirmed','waitlisted','cancelled')),
  source        TEXT NOT NULL CHECK (source IN ('staff','import','walk_in')),
  created_at    TEXT NOT NULL,
  checked_in_at TEXT
) STRICT;

-- One live registration per phone per event; a cancelled one frees the number.
CREATE UNIQUE INDEX registrations_event_phone
  ON registrations(event_id, phone) WHERE status <> 'cancelled';
CREATE INDEX registrations_event_status ON registrations(event_id, status, id);

CREATE TABLE checkins (
  id              INTEGER PRIMARY KEY,
  registration_id INTEGER NOT NULL REFERENCES registrations(id),
  event_id        INTEGER NOT NULL REFERENCES events(id),
  at              TEXT NOT NULL,
  method          TEXT NOT NULL CHECK (method IN ('code','lookup','walk_in')),
  actor           TEXT NOT NULL,
  undone_at       TEXT,
  undone_by       TEXT
) STRICT;

-- At most one live check-in per registration, whatever races.
CREATE UNIQUE INDEX checkins_live ON checkins(registration_id) WHERE undone_at IS NULL;

-- The first answer to every nonce, so a retried request gets the same answer.
CREATE TABLE nonces (
  nonce           TEXT PRIMARY KEY,
  fingerprint     TEXT NOT NULL,
  outcome         TEXT NOT NULL,
  registration_id INTEGER REFERENCES registrations(id),
  first           INTEGER NOT NULL DEFAULT 0,
  at              TEXT,
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin','staff')),
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  event_id   INTEGER REFERENCES events(id),
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
