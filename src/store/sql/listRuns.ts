import type { Queryable } from '../db.ts';
import { toRun, type RunRow, type StoredRun } from '../runRows.ts';

/** An incident's recovery runs, oldest first. */
export async function listRuns(q: Queryable, incidentId: number): Promise<StoredRun[]> {
  const rows = await q.query<RunRow>('SELECT * FROM runs WHERE incident_id = $1 ORDER BY id', [incidentId]);
  return rows.map(toRun);
}
