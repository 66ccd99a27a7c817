import type { Queryable } from '../db.ts';

/** Alert names firing for an incident: a signal class of their own in the failover quorum. */
export async function firingAlertsOf(q: Queryable, incidentId: number): Promise<string[]> {
  const rows = await q.query<{ alertname: string }>(
    `SELECT DISTINCT alertname FROM alerts WHERE incident_id = $1 AND status = 'firing' ORDER BY alertname`,
    [incidentId],
  );
  return rows.map((r) => r.alertname);
}
