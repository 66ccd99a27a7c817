import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';
import { toRun, type NewRun, type RunRow, type StoredRun } from '../runRows.ts';

/** Stores a new run request. A second rollback of the same run collides on `rollback_of`: undefined. */
export async function insertRun(q: Queryable, r: NewRun): Promise<StoredRun | undefined> {
  const [row] = await q.query<RunRow>(
    `INSERT INTO runs (incident_id, runbook, tier, rollback_of, params, plan, preview, dry_run, quorum, override_reason,
                       approver_groups, requested_by, requested_via, requested_at, expires_at, status)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9::jsonb, $10, $11::jsonb, $12, $13, $14, $15, $16)
     ON CONFLICT (rollback_of) DO NOTHING
     RETURNING *`,
    [r.incidentId, r.runbook, r.tier, r.rollbackOf, json(r.params), json(r.plan), json(r.preview), r.dryRun, json(r.quorum),
      r.overrideReason, json(r.approverGroups), r.requestedBy, r.requestedVia, r.requestedAt, r.expiresAt, r.status],
  );
  return row && toRun(row);
}
