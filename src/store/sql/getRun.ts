import type { Queryable } from '../db.ts';
import { toRun, type RunRow, type StoredRun } from '../runRows.ts';

/** `forUpdate` locks the run until the transaction ends: clicks on one run take turns. */
export async function getRun(q: Queryable, id: number, forUpdate = false): Promise<StoredRun | undefined> {
  const [row] = await q.query<RunRow>(`SELECT * FROM runs WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row && toRun(row);
}
