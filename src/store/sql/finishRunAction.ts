import type { Queryable } from '../db.ts';
import { ACTION_KEY_WHERE, actionKeyParams, type ActionKey } from '../runRows.ts';

/** The action's outcome: done, failed, or unknown (the call may or may not have happened). */
export async function finishRunAction(
  q: Queryable,
  k: ActionKey & { status: 'done' | 'failed' | 'unknown'; at: Date; output?: string; detail: string },
): Promise<void> {
  await q.query(
    `UPDATE run_actions SET status = $5, finished_at = $6, output = $7, detail = $8 WHERE ${ACTION_KEY_WHERE}`,
    [...actionKeyParams(k), k.status, k.at, k.output ?? null, k.detail],
  );
}
