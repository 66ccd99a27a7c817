import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

/** `forUpdate` locks the row until the transaction ends: changes to one incident take turns. */
export async function getIncident(q: Queryable, id: number, forUpdate = false): Promise<StoredIncident | undefined> {
  const [row] = await q.query<IncidentRow>(`SELECT * FROM incidents WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row && toIncident(row);
}
