import type { Queryable } from '../db.ts';

/** Whether anything public (status page) went out for the incident. */
export async function hasPublicUpdates(q: Queryable, incidentId: number): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM public_updates WHERE incident_id = $1 LIMIT 1', [incidentId]);
  return rows.length > 0;
}
