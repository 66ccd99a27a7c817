-- Post-incident review: action items (each becomes a GitHub issue) and the public updates
-- drbot's own status page shows.

-- `n` numbers an incident's action items 1, 2, 3 … (the PIR table's ID and the issue marker).
CREATE TABLE action_items (
  incident_id  integer NOT NULL REFERENCES incidents (id),
  n            integer NOT NULL,
  text         text NOT NULL,
  owner        text,
  due          date,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  issue_number integer,
  issue_url    text,
  -- Set once the issue has been told where the PIR pull request is.
  pir_linked   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (incident_id, n)
);

-- What went out to the public, as sent: one row per status-page step (its step id is the key).
CREATE TABLE public_updates (
  incident_id integer NOT NULL REFERENCES incidents (id),
  key         text NOT NULL,
  at          timestamptz NOT NULL,
  status      text NOT NULL,
  body        text NOT NULL,
  PRIMARY KEY (incident_id, key)
);
CREATE INDEX incidents_history ON incidents (resolved_at) WHERE private = false AND mode = 'real';
