import type { Queryable } from '../db.ts';

/**
 * Adds an action item with the incident's next number. Call inside a transaction that holds
 * the incident's row lock, so two items added at once get different numbers.
 */
export async function insertActionItem(
  q: Queryable,
  incidentId: number,
  a: { text: string; owner?: string; due?: string; createdBy: string; at: Date },
): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `INSERT INTO action_items (incident_id, n, text, owner, due, created_by, created_at)
     SELECT $1, COALESCE(max(n), 0) + 1, $2, $3, $4::date, $5, $6 FROM action_items WHERE incident_id = $1
     RETURNING n`,
    [incidentId, a.text, a.owner ?? null, a.due ?? null, a.createdBy, a.at],
  );
  return row.n;
}
