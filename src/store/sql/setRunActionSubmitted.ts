import type { Queryable } from '../db.ts';
import { ACTION_KEY_WHERE, actionKeyParams, type ActionKey } from '../runRows.ts';

/** Route 53 accepted the batch: its change id, for the INSYNC wait. */
export async function setRunActionSubmitted(q: Queryable, k: ActionKey, changeId: string | null): Promise<void> {
  await q.query(`UPDATE run_actions SET status = 'submitted', change_id = $5 WHERE ${ACTION_KEY_WHERE}`, [...actionKeyParams(k), changeId]);
}
