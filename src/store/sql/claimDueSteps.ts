import type { Step } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { toStep, type StepRow } from '../rows.ts';

/** The columns of a StepRow, named (a prepared statement's result must not follow the table's column list). */
const STEP_COLUMNS = (['id', 'incident_id', 'step_id', 'kind', 'source', 'label', 'params', 'due_at', 'status', 'attempts', 'claimed_by', 'lease_until', 'last_error', 'sent_at', 'confirmed_at', 'result'] satisfies (keyof StepRow)[])
  .map((c) => `s.${c}`).join(', ');

export interface ClaimedStep extends Step {
  /** A previous claim never reported back (its worker died mid-send): the send may repeat. */
  reclaimed: boolean;
}

/**
 * Claims up to `limit` due steps for `worker` with a lease. SKIP LOCKED lets replicas claim
 * side by side; the lease (not a row lock) covers the slow provider call, and a lease that
 * runs out (the worker died) makes the step claimable again. (`= ANY(ARRAY(…))` lets the
 * planner reach the claimed rows by primary key instead of scanning every step.) `dueBy`
 * (default `now`) claims steps falling due a little ahead: the runner starts them on time.
 */
export async function claimDueSteps(
  q: Queryable,
  o: { worker: string; now: Date; leaseMs: number; limit: number; dueBy?: Date },
): Promise<ClaimedStep[]> {
  const rows = await q.query<StepRow & { reclaimed: boolean }>(
    `WITH due AS (
       SELECT id, lease_until IS NOT NULL AS reclaimed FROM steps
        WHERE status = 'pending' AND due_at <= $5 AND (lease_until IS NULL OR lease_until < $2)
        ORDER BY due_at, id LIMIT $4
        FOR UPDATE SKIP LOCKED)
     UPDATE steps s SET claimed_by = $1, lease_until = $3, attempts = s.attempts + 1
       FROM due WHERE s.id = due.id AND s.id = ANY(ARRAY(SELECT id FROM due))
     RETURNING ${STEP_COLUMNS}, due.reclaimed`,
    [o.worker, o.now, new Date(o.now.getTime() + o.leaseMs), o.limit, o.dueBy ?? o.now],
    // Run every few ms by each replica: planning it cost as much as running it when nothing is due.
    { prepare: 'drbot_claim_due_steps' },
  );
  return rows.map((r) => ({ ...toStep(r), reclaimed: r.reclaimed })).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}
