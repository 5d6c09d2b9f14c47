-- Qiandao schema v5: several instances on one database (issue 13). Mirrors
-- schema/postgresql/005_instances.sql. Never edit once shipped: add 006_*.sql instead.

-- Sign-in attempts per account inside the current window (five minutes), so the limit holds
-- whichever instance a guess reaches. A success deletes the account's row.
CREATE TABLE login_attempts (
  account      TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,  -- Unix seconds
  failures     INTEGER NOT NULL
) STRICT;
