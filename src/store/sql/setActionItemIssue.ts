import type { Queryable } from '../db.ts';

/** Records the GitHub issue an action item became (the same issue on a repeat, found by its marker). */
export async function setActionItemIssue(q: Queryable, incidentId: number, n: number, issue: { number: number; url: string }): Promise<void> {
  await q.query('UPDATE action_items SET issue_number = $3, issue_url = $4 WHERE incident_id = $1 AND n = $2', [incidentId, n, issue.number, issue.url]);
}
