-- The PostgreSQL reference for one door scan: the statements Qiandao's writer runs for
-- POST /api/v1/checkins {code, nonce} (server/domain/checkins.cpp: check_in, claim, admit,
-- remember, audit_answer; the SQL in server/storage/store_registrations.cpp,
-- store_events.cpp: find_event + load_departments, adjust_counts; store_auth.cpp: audit),
-- in the same order, one round trip each, for pgbench -M prepared:
--
--   pgbench -n -M prepared -f bench/pg_checkin.sql -D pool=N -c C -T S URL
--
-- on a copy of a bench_fixture database with two helpers added by bench/run.sh:
-- bench_codes (n 1..N, code: the fixture's ticket codes in order) and the sequence
-- bench_pick. Each scan takes the next number from bench_pick, so every scan of every client
-- gets a ticket no one has used, until N scans have been made; after that the numbers wrap
-- around and the scans are repeats (the check-in INSERT meets its conflict and inserts
-- nothing; this script still runs the two UPDATEs and the re-read, which Qiandao skips for a
-- repeat). bench/run.sh prints how many scans were first check-ins.
--
-- Differences from Qiandao, on purpose and small:
-- * the first statement also picks the ticket (the join with bench_pick/bench_codes) and
--   computes the time text (RFC 3339 in +08:00, like Qiandao's) and the actor label
--   ("device:bench kiosk"); the colons come from chr(58) because pgbench reads ":name" even
--   inside a quoted literal as a variable. Qiandao gets the code from the request and the
--   time from its clock. Same round trips.
-- * column aliases in the registration reads, so pgbench's \gset keeps r.id apart from c.id
--   and r.name apart from un.name; the plan and the work are the same.
-- * method, outcome and the counter steps are literals here and parameters in
--   Qiandao; a repeat is not told apart (see above).
-- * no SAVEPOINT/RELEASE around each scan: those are Qiandao's own cost (its writer puts
--   each request of a batch in a savepoint), not the check-in's SQL.
--
-- bench/run.sh makes the batched shape (64 scans in one transaction) by repeating the lines
-- between the two markers 64 times between one BEGIN and one COMMIT.
BEGIN;
-- block begins
WITH pick AS MATERIALIZED (SELECT nextval('bench_pick') AS k)
SELECT 'pgbench-' || pick.k AS nonce, b.code AS code,
       replace(to_char(clock_timestamp() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24.MI.SS"+08.00"'), '.', chr(58)) AS now,
       'device' || chr(58) || 'bench kiosk' AS actor,
       n.fingerprint AS seen_fingerprint, n.outcome AS seen_outcome, n.registration_id AS seen_registration,
       n.first AS seen_first, n.at AS seen_at
  FROM pick JOIN bench_codes b ON b.n = (pick.k - 1) % CAST(:pool AS BIGINT) + 1
  LEFT JOIN nonces n ON n.nonce = 'pgbench-' || pick.k \gset
INSERT INTO nonces (nonce, fingerprint, outcome, registration_id, first, at, created_at) VALUES (:nonce, 'code:' || :code, 'pending', NULL, 0, NULL, :now) ON CONFLICT (nonce) DO NOTHING;
SELECT r.id AS rid, r.event_id AS eid, r.code AS r_code, r.name AS r_name, r.phone, r.organization, r.category, r.id_number, r.status, r.source, r.created_at, r.checked_in_at, c.id AS cid, r.unit_id, r.leave_reason, r.leave_at, r.leave_by, un.name AS unit_name FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id AND c.undone_at IS NULL LEFT JOIN units un ON un.id = r.unit_id WHERE r.code = :code \gset
SELECT id, title, kind, venue, starts_at, ends_at, capacity, waitlist, walk_ins, description, status, confirmed_count, waitlisted_count, checked_in_count FROM events WHERE id = :eid;
SELECT 0, position, name FROM event_departments WHERE event_id = :eid UNION ALL SELECT 1, position, name FROM event_services WHERE event_id = :eid UNION ALL SELECT 2, position, name FROM event_sites WHERE event_id = :eid ORDER BY 1, 2;
INSERT INTO checkins (registration_id, event_id, at, method, actor) VALUES (:rid, :eid, :now, 'code', :actor) ON CONFLICT (registration_id) WHERE undone_at IS NULL DO NOTHING RETURNING id;
UPDATE registrations SET checked_in_at = :now WHERE id = :rid;
UPDATE events SET confirmed_count = confirmed_count + 0, waitlisted_count = waitlisted_count + 0, checked_in_count = checked_in_count + 1 WHERE id = :eid;
SELECT r.id AS rid, r.event_id AS eid, r.code AS r_code, r.name AS r_name, r.phone, r.organization, r.category, r.id_number, r.status, r.source, r.created_at, r.checked_in_at, c.id AS cid, r.unit_id, r.leave_reason, r.leave_at, r.leave_by, un.name AS unit_name FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id AND c.undone_at IS NULL LEFT JOIN units un ON un.id = r.unit_id WHERE r.id = :rid;
UPDATE nonces SET outcome = 'checked_in', registration_id = :rid, first = 1, at = :now WHERE nonce = :nonce;
INSERT INTO audit_log (at, actor, action, target, detail) VALUES (:now, :actor, 'checkin.create', 'registration:' || :rid, 'checked_in');
-- block ends
COMMIT;
