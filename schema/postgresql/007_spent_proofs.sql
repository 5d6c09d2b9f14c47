-- Qiandao schema v7: a public sign-up's proof of work is spent in the database, in the
-- sign-up's own transaction, so one solution signs up at most once on every instance and
-- after a restart. Mirrors schema/sqlite/007_spent_proofs.sql.
CREATE TABLE spent_proofs (
  nonce      TEXT COLLATE "C" PRIMARY KEY,  -- the challenge's nonce (hex), covered by its signature
  expires_at BIGINT NOT NULL                -- Unix seconds, the challenge's own expiry
);
CREATE INDEX spent_proofs_expires ON spent_proofs(expires_at);
