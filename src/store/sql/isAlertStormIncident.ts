import type { Queryable } from '../db.ts';

/** Was this incident declared as an alert storm (its declare's request key is a storm key)? */
export async function isAlertStormIncident(q: Queryable, incidentId: number): Promise<boolean> {
  const rows = await q.query("SELECT 1 FROM request_keys WHERE incident_id = $1 AND key LIKE 'alert-storm:%' LIMIT 1", [incidentId]);
  return rows.length > 0;
}
