-- Qiandao schema v3: skill competitions (技能竞赛): items, roll-call, draw, scoring,
-- publication; and a `judge` role. Never edit once shipped: add 004_*.sql instead.

-- users.role gains 'judge'. A CHECK constraint cannot be altered in place, so the table is
-- rebuilt; sessions reference users, and signing everyone out once on upgrade is harmless.
DELETE FROM sessions;
CREATE TABLE users_v3 (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin','staff','judge')),
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
) STRICT;
INSERT INTO users_v3 (id, username, password_hash, role, created_at, disabled_at)
  SELECT id, username, password_hash, role, created_at, disabled_at FROM users;
DROP TABLE users;
ALTER TABLE users_v3 RENAME TO users;

-- The rules of one competition event.
CREATE TABLE competitions (
  event_id     INTEGER PRIMARY KEY REFERENCES events(id),
  -- mean of the judges' scores, or the mean after dropping the highest and the lowest
  scoring_rule TEXT NOT NULL DEFAULT 'mean' CHECK (scoring_rule IN ('mean','trimmed_mean')),
  -- a unit's figure: the sum of its competitors' totals, or of its best N
  unit_rule    TEXT NOT NULL DEFAULT 'sum' CHECK (unit_rule IN ('sum','best_n')),
  unit_best_n  INTEGER NOT NULL DEFAULT 3 CHECK (unit_best_n BETWEEN 1 AND 100),
  published_at TEXT,
  published_by TEXT,
  updated_at   TEXT NOT NULL
) STRICT;

-- The procedures competed in (导尿术, 换药 …), each with its own roll-call and draw.
CREATE TABLE competition_items (
  id                 INTEGER PRIMARY KEY,
  event_id           INTEGER NOT NULL REFERENCES competitions(event_id),
  position           INTEGER NOT NULL,
  name               TEXT NOT NULL,
  max_score          INTEGER NOT NULL CHECK (max_score > 0),  -- in hundredths of a point
  time_limit_s       INTEGER CHECK (time_limit_s IS NULL OR time_limit_s > 0),
  judges             INTEGER NOT NULL DEFAULT 1 CHECK (judges BETWEEN 1 AND 20),
  station            TEXT NOT NULL DEFAULT '',
  roll_call_deadline TEXT,
  UNIQUE (event_id, name)
) STRICT;

-- 抽签: the order of appearance, drawn once from a recorded seed. A redraw (admin, with a
-- reason) voids the old draw and keeps it.
CREATE TABLE draws (
  id         INTEGER PRIMARY KEY,
  item_id    INTEGER NOT NULL REFERENCES competition_items(id),
  seed       TEXT NOT NULL,
  algorithm  TEXT NOT NULL,
  drawn_at   TEXT NOT NULL,
  drawn_by   TEXT NOT NULL,
  voided_at  TEXT,
  voided_by  TEXT,
  void_reason TEXT
) STRICT;
CREATE UNIQUE INDEX draws_live ON draws(item_id) WHERE voided_at IS NULL;

CREATE TABLE draw_entries (
  draw_id         INTEGER NOT NULL REFERENCES draws(id),
  position        INTEGER NOT NULL,  -- 1-based order of appearance; 0 = no-show
  registration_id INTEGER NOT NULL REFERENCES registrations(id),
  PRIMARY KEY (draw_id, registration_id)
) STRICT;

-- One judge's score for one competitor in one item. A correction adds a row with a reason
-- and marks the row it replaces; nothing is ever updated in place or deleted.
CREATE TABLE scores (
  id              INTEGER PRIMARY KEY,
  item_id         INTEGER NOT NULL REFERENCES competition_items(id),
  registration_id INTEGER NOT NULL REFERENCES registrations(id),
  judge           TEXT NOT NULL,
  score           INTEGER NOT NULL CHECK (score >= 0),  -- in hundredths of a point
  nonce           TEXT NOT NULL UNIQUE,
  entered_at      TEXT NOT NULL,
  reason          TEXT,                                  -- set on a correction
  replaces        INTEGER REFERENCES scores(id),
  replaced_at     TEXT
) STRICT;
CREATE UNIQUE INDEX scores_live ON scores(item_id, registration_id, judge) WHERE replaced_at IS NULL;
