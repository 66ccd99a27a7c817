-- Incident changes announced: after each statement that inserts, updates or deletes incidents or
-- steps, one NOTIFY on drbot_incident_changes naming the schema and the incidents touched
-- ('public:4,7'; 'public:*' when there are too many for a payload). Each replica keeps
-- `/dr status` answers in memory and drops an incident's the moment it hears of a change
-- (src/store/incidentCache.ts); the schema keeps drbots sharing one database apart.
-- Statement-level with transition tables: one notice per statement, not one per row, so a
-- scheduler claim of 250 steps costs one. The notice is sent at commit, never on rollback.

-- One function for both tables: its argument names the column holding the incident id. The
-- triggers name it by OID and its body calls only pg_catalog, so a write from a session with
-- another search_path still works.
CREATE FUNCTION drbot_announce_incident_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids text;
BEGIN
  EXECUTE format('SELECT string_agg(DISTINCT %I::text, '','') FROM changed', TG_ARGV[0]) INTO ids;
  IF ids IS NOT NULL THEN
    PERFORM pg_notify('drbot_incident_changes', TG_TABLE_SCHEMA || ':' || CASE WHEN length(ids) > 7000 THEN '*' ELSE ids END);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER incidents_inserted AFTER INSERT ON incidents REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('id');
CREATE TRIGGER incidents_updated AFTER UPDATE ON incidents REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('id');
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('id');
CREATE TRIGGER steps_inserted AFTER INSERT ON steps REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('incident_id');
CREATE TRIGGER steps_updated AFTER UPDATE ON steps REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('incident_id');
CREATE TRIGGER steps_deleted AFTER DELETE ON steps REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION drbot_announce_incident_changes('incident_id');
