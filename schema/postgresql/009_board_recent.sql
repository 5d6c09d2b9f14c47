-- Qiandao schema v9: the board's re-read of one event reads its latest check-ins, not all of
-- them. Every instance re-reads an event after a doorbell (schema 005, board_feed): its chart
-- window and its latest live check-ins, "ORDER BY at DESC, id DESC LIMIT n". 005's index on
-- (event_id, at) has no id and no "undone_at IS NULL", so PostgreSQL read every live check-in
-- of the event, joined each to its registration and kept the top n: 6 ms at 2,500 check-ins,
-- growing all day, on every instance, up to a hundred times a second under a rush.
-- This index answers that query in its own order, n rows, and the chart's window query too
-- (same predicate, event_id then at), so it replaces 005's.
CREATE INDEX checkins_event_recent ON checkins(event_id, at, id) WHERE undone_at IS NULL;
DROP INDEX checkins_event_at;
