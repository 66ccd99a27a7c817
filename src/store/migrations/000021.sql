-- A standby drbot (on a read-only streaming replica) names the active drbot's region: the
-- active one writes where it runs here, and the row reaches the standby through replication.
CREATE TABLE drbot_active (
  single  boolean PRIMARY KEY DEFAULT true CHECK (single),
  region  text,
  worker  text NOT NULL,
  seen_at timestamptz NOT NULL
);
