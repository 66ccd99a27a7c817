import type { Queryable } from '../db.ts';

/** Ties an alert to the incident it opened or joined; an alert already tied keeps its incident. */
export async function setAlertIncident(q: Queryable, fingerprint: string, startsAt: Date, incidentId: number): Promise<void> {
  await q.query('UPDATE alerts SET incident_id = $3 WHERE fingerprint = $1 AND starts_at = $2 AND incident_id IS NULL', [fingerprint, startsAt, incidentId]);
}
