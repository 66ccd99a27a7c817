import type { ApprovalRecord } from '../../core/approval.ts';
import type { Queryable } from '../db.ts';

/** The decisions recorded on a run, oldest first. */
export async function listApprovals(q: Queryable, runId: number): Promise<ApprovalRecord[]> {
  const rows = await q.query<{ user_id: string; decision: 'approve' | 'deny'; group_name: string | null; at: Date }>(
    'SELECT user_id, decision, group_name, at FROM approvals WHERE run_id = $1 ORDER BY at, user_id',
    [runId],
  );
  return rows.map((r) => ({ userId: r.user_id, decision: r.decision, group: r.group_name, at: new Date(r.at) }));
}
