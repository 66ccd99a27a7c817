import type { Queryable } from '../db.ts';

/** Rewrites an incident's impact line (an alert storm's running tally) and marks its card for a redraw. */
export async function setIncidentImpact(q: Queryable, incidentId: number, impact: string): Promise<void> {
  await q.query('UPDATE incidents SET impact = $2, version = version + 1 WHERE id = $1 AND impact IS DISTINCT FROM $2', [incidentId, impact]);
}
