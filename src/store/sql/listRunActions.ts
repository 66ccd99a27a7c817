import type { Queryable } from '../db.ts';
import { toRunAction, type RunAction, type RunActionRow } from '../runRows.ts';

/** Every action of a run, in the order they started. */
export async function listRunActions(q: Queryable, runId: number): Promise<RunAction[]> {
  const rows = await q.query<RunActionRow>('SELECT * FROM run_actions WHERE run_id = $1 ORDER BY started_at, phase, idx, attempt', [runId]);
  return rows.map(toRunAction);
}
