-- The router only needs to hear of a contact change when the contact joins, leaves or changes in
-- the line, and of an agent when their load or wrap-up changes: an accepted offer or a message
-- count does neither, so it no longer wakes the router.
CREATE OR REPLACE FUNCTION "sentral_routing_contact_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  waiting_changed boolean := (OLD.status = 'queued') IS DISTINCT FROM (NEW.status = 'queued')
    OR (NEW.status = 'queued' AND (OLD."queueId" IS DISTINCT FROM NEW."queueId" OR OLD.priority IS DISTINCT FROM NEW.priority));
  load_changed boolean := (OLD.status IN ('offered', 'accepted')) IS DISTINCT FROM (NEW.status IN ('offered', 'accepted'))
    OR OLD."agentId" IS DISTINCT FROM NEW."agentId";
  wrap_up_changed boolean := NEW.status = 'ended' AND (OLD.status <> 'ended' OR OLD.disposition IS DISTINCT FROM NEW.disposition);
BEGIN
  IF waiting_changed THEN
    PERFORM pg_notify('sentral_routing', 'c:' || NEW.id::text);
  END IF;
  IF load_changed OR wrap_up_changed THEN
    IF OLD."agentId" IS NOT NULL THEN PERFORM pg_notify('sentral_routing', 'a:' || OLD."agentId"::text); END IF;
    IF NEW."agentId" IS NOT NULL THEN PERFORM pg_notify('sentral_routing', 'a:' || NEW."agentId"::text); END IF;
  END IF;
  RETURN NULL;
END $$;
