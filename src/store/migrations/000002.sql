-- What an incident is called in other systems: PagerDuty dedup keys, the Statuspage incident,
-- the PIR pull request, tracking issues. One row per (incident, kind, key).
CREATE TABLE external_refs (
  incident_id integer NOT NULL REFERENCES incidents (id),
  kind        text NOT NULL,
  key         text NOT NULL,
  ref         text NOT NULL,
  url         text,
  data        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (incident_id, kind, key)
);
