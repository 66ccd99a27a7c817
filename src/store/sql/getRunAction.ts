import type { Queryable } from '../db.ts';
import { ACTION_KEY_WHERE, actionKeyParams, toRunAction, type ActionKey, type RunAction, type RunActionRow } from '../runRows.ts';

/** One run action by its key. */
export async function getRunAction(q: Queryable, k: ActionKey): Promise<RunAction | undefined> {
  const [row] = await q.query<RunActionRow>(`SELECT * FROM run_actions WHERE ${ACTION_KEY_WHERE}`, actionKeyParams(k));
  return row && toRunAction(row);
}
