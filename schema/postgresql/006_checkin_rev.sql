-- SQLite's 006 lets a check-in stamp its registration's door_rev in the UPDATE that sets
-- checked_in_at. PostgreSQL's trigger (004) is a BEFORE trigger that sets NEW.door_rev with
-- one write of the event row already, so nothing changes here; the file keeps the two
-- dialects' version numbers in step.
SELECT 1;
