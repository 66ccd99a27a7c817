import type { ActionItem } from '../../core/pir.ts';
import type { Queryable } from '../db.ts';
import { ACTION_ITEM_SELECT, toActionItem, type ActionItemRow } from '../rows.ts';

/** An incident's action items, by number. */
export async function listActionItems(q: Queryable, incidentId: number): Promise<ActionItem[]> {
  const rows = await q.query<ActionItemRow>(`${ACTION_ITEM_SELECT} WHERE incident_id = $1 ORDER BY n`, [incidentId]);
  return rows.map(toActionItem);
}
