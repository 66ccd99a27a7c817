import type { Queryable } from '../db.ts';
import { toRun, type RunRow, type StoredRun } from '../runRows.ts';

/** The rollback run of `runId`, if one was requested. */
export async function getRollbackOf(q: Queryable, runId: number): Promise<StoredRun | undefined> {
  const [row] = await q.query<RunRow>('SELECT * FROM runs WHERE rollback_of = $1', [runId]);
  return row && toRun(row);
}
