-- PostgreSQL's 009 gives the board's re-read of one event an index that returns its latest
-- check-ins in order. A single SQLite instance never re-reads an event (its board follows its
-- own commits), and its check-ins stay one index cheaper, so nothing changes here; the file
-- keeps the two dialects' version numbers in step.
SELECT 1;
