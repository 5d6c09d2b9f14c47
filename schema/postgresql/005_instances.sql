-- Qiandao schema v5: several instances on one database (issue 13). Mirrors
-- schema/sqlite/005_instances.sql. Never edit once shipped: add 006_*.sql instead.

-- Sign-in attempts per account inside the current window (five minutes), so the limit holds
-- whichever instance a guess reaches. A success deletes the account's row.
CREATE TABLE login_attempts (
  account      TEXT COLLATE "C" PRIMARY KEY,
  window_start BIGINT NOT NULL,  -- Unix seconds
  failures     BIGINT NOT NULL
);

-- The board of every instance re-reads the events a doorbell names (their chart window and
-- latest check-ins): by event and time, not a scan of every check-in. PostgreSQL only: a
-- single SQLite instance never re-reads, and its check-ins stay one index cheaper.
CREATE INDEX checkins_event_at ON checkins(event_id, at);
