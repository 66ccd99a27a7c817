-- Drill calendar notices (briefing, due, overdue): claimed once, so replicas post each once.
CREATE TABLE calendar_notices (
  key     text PRIMARY KEY,
  sent_at timestamptz NOT NULL
);
