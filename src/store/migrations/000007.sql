-- Gapless incident numbers. A sequence is not transactional: a declare that fails (a Slack
-- retry whose request key is taken, a transaction rolled back) uses up a number, and after a
-- crash PGlite's sequence jumps ahead by its WAL pre-allocation (INC-2, then INC-34). The next
-- number now lives in a one-row table, taken by the insert itself (the column default) in the
-- inserting transaction: a rollback gives it back, and the row lock makes replicas declaring at
-- once take turns for the rest of the declare statement.
CREATE TABLE incident_counter (
  single  boolean PRIMARY KEY DEFAULT true CHECK (single),
  next_id integer NOT NULL
);
-- Existing data: carry on after the highest number given so far.
INSERT INTO incident_counter (next_id) SELECT COALESCE(max(id), 0) + 1 FROM incidents;
CREATE FUNCTION next_incident_id() RETURNS integer VOLATILE LANGUAGE sql
  AS 'UPDATE incident_counter SET next_id = next_id + 1 RETURNING next_id - 1';
ALTER TABLE incidents ALTER COLUMN id SET DEFAULT next_incident_id();
DROP SEQUENCE incidents_id_seq;
