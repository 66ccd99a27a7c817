-- The text of an incident's latest `/dr update`, kept on the incident. Templated steps (Slack
-- posts, emails, the status page) show it; read with the incident (which the scheduler reads
-- before a step falls due), it spares every send a read of the timeline after its due time.
ALTER TABLE incidents ADD COLUMN last_update_note text;
-- Incidents updated before: the note of their latest update in the timeline.
UPDATE incidents i SET last_update_note = u.note
  FROM (SELECT DISTINCT ON (incident_id) incident_id, data->>'note' AS note
          FROM timeline WHERE type = 'updated' ORDER BY incident_id, at DESC, id DESC) u
 WHERE u.incident_id = i.id;
