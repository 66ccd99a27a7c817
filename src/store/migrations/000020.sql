-- Alert storms (issue 14). Incidents opened by alerts are rate-limited across replicas: each
-- declare reserves a slot under the lock of the single `alert_rate` row (its request key makes
-- an HA pair's repeat the same slot). Past the limit, alerts join one open "alert storm"
-- incident, named by `storm_key` (its declare's request key).
CREATE TABLE alert_rate (
  single    boolean PRIMARY KEY DEFAULT true CHECK (single),
  storm_key text
);
INSERT INTO alert_rate (single) VALUES (true);
CREATE TABLE alert_declares (
  request_key text PRIMARY KEY,
  at          timestamptz NOT NULL
);
CREATE INDEX alert_declares_at ON alert_declares (at);
CREATE INDEX alerts_incident ON alerts (incident_id);
