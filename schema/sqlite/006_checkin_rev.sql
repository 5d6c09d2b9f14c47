-- A check-in moves the event's door counter and its check-in count in one write of the event
-- row, and stamps the registration in the same UPDATE that sets checked_in_at (storage's
-- insert_checkin). The trigger of 004 keeps stamping every other change a door can see; it
-- now stands aside when the statement set door_rev itself, which was two more writes per
-- check-in (the event row again, the registration row again).
DROP TRIGGER registrations_door_rev_update;
CREATE TRIGGER registrations_door_rev_update
AFTER UPDATE OF code, name, organization, unit_id, status, checked_in_at, leave_at ON registrations
WHEN NEW.door_rev IS OLD.door_rev
BEGIN
  UPDATE events SET door_rev = door_rev + 1 WHERE id = NEW.event_id;
  UPDATE registrations SET door_rev = (SELECT door_rev FROM events WHERE id = NEW.event_id) WHERE id = NEW.id;
END;
