import type { Queryable } from '../db.ts';

/** The issue has been told where the PIR pull request is. */
export async function markActionItemLinked(q: Queryable, incidentId: number, n: number): Promise<void> {
  await q.query('UPDATE action_items SET pir_linked = true WHERE incident_id = $1 AND n = $2', [incidentId, n]);
}
