-- Recovery runs (runbooks), their approvals, the actions they executed, and alert intake.

-- One row per request to run a runbook (or to roll a run back). `plan` is fixed at request
-- time: what was shown and approved is what runs.
CREATE TABLE runs (
  id              serial PRIMARY KEY,
  incident_id     integer NOT NULL REFERENCES incidents (id),
  runbook         text NOT NULL,
  tier            text NOT NULL,
  rollback_of     integer UNIQUE REFERENCES runs (id),
  params          jsonb NOT NULL DEFAULT '{}',
  plan            jsonb NOT NULL,
  preview         jsonb NOT NULL DEFAULT '[]',
  dry_run         boolean NOT NULL DEFAULT false,
  quorum          jsonb,
  override_reason text,
  approver_groups jsonb NOT NULL DEFAULT '[]',
  requested_by    text NOT NULL,
  requested_via   text NOT NULL,
  requested_at    timestamptz NOT NULL,
  expires_at      timestamptz,
  status          text NOT NULL,
  started_at      timestamptz,
  finished_at     timestamptz,
  result          text,
  message_channel text,
  message_ts      text,
  version         integer NOT NULL DEFAULT 1
);
CREATE INDEX runs_incident ON runs (incident_id, id);
CREATE INDEX runs_runbook ON runs (runbook, requested_at);

-- One decision per person per run, and one approval per group: the unique keys, inside the
-- transaction that locks the run, decide a double click or two replicas racing.
CREATE TABLE approvals (
  run_id      integer NOT NULL REFERENCES runs (id),
  user_id     text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('approve', 'deny')),
  group_name  text,
  at          timestamptz NOT NULL,
  request_key text NOT NULL,
  PRIMARY KEY (run_id, user_id),
  UNIQUE (run_id, group_name)
);

-- Each executed action: marked `started` before the call, so a step retried after a crash
-- knows a command may already have run (exec is never run twice; Route 53 is re-read).
CREATE TABLE run_actions (
  run_id      integer NOT NULL REFERENCES runs (id),
  phase       text NOT NULL,
  idx         integer NOT NULL,
  attempt     integer NOT NULL,
  kind        text NOT NULL,
  label       text NOT NULL,
  status      text NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  snapshot    jsonb,
  changes     jsonb,
  change_id   text,
  output      text,
  detail      text,
  PRIMARY KEY (run_id, phase, idx, attempt)
);

-- Alertmanager alerts seen on POST /alerts: the fingerprint ties repeats to one incident.
CREATE TABLE alerts (
  fingerprint text NOT NULL,
  starts_at   timestamptz NOT NULL,
  group_key   text NOT NULL,
  alertname   text NOT NULL,
  incident_id integer REFERENCES incidents (id),
  status      text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  PRIMARY KEY (fingerprint, starts_at)
);
CREATE INDEX alerts_group ON alerts (group_key);
