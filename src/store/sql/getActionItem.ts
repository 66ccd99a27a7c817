import type { ActionItem } from '../../core/pir.ts';
import type { Queryable } from '../db.ts';
import { ACTION_ITEM_SELECT, toActionItem, type ActionItemRow } from '../rows.ts';

/** One action item by its number in the incident. */
export async function getActionItem(q: Queryable, incidentId: number, n: number): Promise<ActionItem | undefined> {
  const [row] = await q.query<ActionItemRow>(`${ACTION_ITEM_SELECT} WHERE incident_id = $1 AND n = $2`, [incidentId, n]);
  return row && toActionItem(row);
}
