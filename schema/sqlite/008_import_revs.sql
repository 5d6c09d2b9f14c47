-- PostgreSQL's 008 lets an import bring its rows' door revisions, reserved in one step,
-- because there each update of the event row inside one long transaction leaves a version
-- that later statements walk past. SQLite updates the row in place, and its trigger (004)
-- stamps each imported row cheaply, so nothing changes here; the file keeps the two
-- dialects' version numbers in step.
SELECT 1;
