-- Incidents, their timeline, request idempotency and the durable step schedule.
CREATE TABLE incidents (
  id                serial PRIMARY KEY,
  title             text NOT NULL,
  severity          smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
  status            text NOT NULL,
  mode              text NOT NULL DEFAULT 'real',
  private           boolean NOT NULL DEFAULT false,
  impact            text NOT NULL DEFAULT '',
  compliance_impact boolean NOT NULL DEFAULT false,
  services          jsonb NOT NULL DEFAULT '[]',
  declared_by       text NOT NULL,
  commander         text NOT NULL,
  comms             text,
  scribe            text,
  declared_at       timestamptz NOT NULL,
  resolved_at       timestamptz,
  last_update_at    timestamptz NOT NULL,
  channel_id        text UNIQUE,
  channel_name      text,
  card_ts           text,
  card_version      integer NOT NULL DEFAULT 0,
  summary           text,
  version           integer NOT NULL DEFAULT 1
);
CREATE INDEX incidents_open ON incidents (status) WHERE status IN ('investigating', 'identified', 'monitoring');

CREATE TABLE timeline (
  id          serial PRIMARY KEY,
  incident_id integer NOT NULL REFERENCES incidents (id),
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  type        text NOT NULL,
  text        text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX timeline_incident ON timeline (incident_id, at, id);

-- One row per request or click that may reach us more than once (Slack retries, double
-- clicks, two replicas). Inserted in the same transaction as the change it causes.
CREATE TABLE request_keys (
  key         text PRIMARY KEY,
  incident_id integer REFERENCES incidents (id),
  reply       jsonb,
  received_at timestamptz NOT NULL
);

-- The durable schedule. A step is claimed with a lease (claimed_by, lease_until), sent
-- outside any transaction, and its outcome and done mark are written in one transaction.
CREATE TABLE steps (
  id           serial PRIMARY KEY,
  incident_id  integer NOT NULL REFERENCES incidents (id),
  step_id      text NOT NULL,
  kind         text NOT NULL,
  source       text NOT NULL,
  label        text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}',
  due_at       timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'pending',
  attempts     integer NOT NULL DEFAULT 0,
  claimed_by   text,
  lease_until  timestamptz,
  last_error   text,
  sent_at      timestamptz,
  confirmed_at timestamptz,
  result       jsonb,
  UNIQUE (incident_id, step_id)
);
CREATE INDEX steps_due ON steps (due_at) WHERE status = 'pending';
