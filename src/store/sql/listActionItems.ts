import type { ActionItem } from '../../core/pir.ts';
import type { Queryable } from '../db.ts';

interface ActionItemRow {
  n: number; text: string; owner: string | null; due: string | Date | null; created_by: string; created_at: Date;
  issue_number: number | null; issue_url: string | null; pir_linked: boolean;
}

// `date` comes back as text from `pg` (we read it with to_char) and PGlite alike.
const SELECT = `SELECT n, text, owner, to_char(due, 'YYYY-MM-DD') AS due, created_by, created_at, issue_number, issue_url, pir_linked FROM action_items`;

function toActionItem(r: ActionItemRow): ActionItem {
  return {
    n: r.n, text: r.text, owner: r.owner, due: r.due === null ? null : String(r.due), createdBy: r.created_by,
    createdAt: new Date(r.created_at), issueNumber: r.issue_number, issueUrl: r.issue_url, pirLinked: r.pir_linked,
  };
}

export async function listActionItems(q: Queryable, incidentId: number): Promise<ActionItem[]> {
  const rows = await q.query<ActionItemRow>(`${SELECT} WHERE incident_id = $1 ORDER BY n`, [incidentId]);
  return rows.map(toActionItem);
}

export async function getActionItem(q: Queryable, incidentId: number, n: number): Promise<ActionItem | undefined> {
  const [row] = await q.query<ActionItemRow>(`${SELECT} WHERE incident_id = $1 AND n = $2`, [incidentId, n]);
  return row && toActionItem(row);
}
