import type { Queryable } from '../db.ts';

/**
 * Records one person's decision on a run. The primary key (run, person) and the unique
 * (run, group) make a repeat a no-op: false when nothing was written.
 */
export async function recordApproval(
  q: Queryable,
  o: { runId: number; userId: string; decision: 'approve' | 'deny'; group: string | null; at: Date; requestKey: string },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO approvals (run_id, user_id, decision, group_name, at, request_key) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING run_id`,
    [o.runId, o.userId, o.decision, o.group, o.at, o.requestKey],
  );
  return rows.length === 1;
}
