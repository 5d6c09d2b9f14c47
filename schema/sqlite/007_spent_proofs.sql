-- Qiandao schema v7: a public sign-up's proof of work is spent in the database, in the
-- sign-up's own transaction, so one solution signs up at most once on every instance and
-- after a restart (before, each process remembered only what it had seen). Rows are pruned
-- once their challenge has expired: an expired solution is refused by its signature alone.
CREATE TABLE spent_proofs (
  nonce      TEXT PRIMARY KEY,   -- the challenge's nonce (hex), covered by its signature
  expires_at INTEGER NOT NULL    -- Unix seconds, the challenge's own expiry
) WITHOUT ROWID;
CREATE INDEX spent_proofs_expires ON spent_proofs(expires_at);
