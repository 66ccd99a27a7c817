import type { Step } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { toStep, type StepRow } from '../rows.ts';

export interface ClaimedStep extends Step {
  /** A previous claim never reported back (its worker died mid-send): the send may repeat. */
  reclaimed: boolean;
}

/**
 * Claims up to `limit` due steps for `worker` with a lease. SKIP LOCKED lets replicas claim
 * side by side; the lease (not a row lock) covers the slow provider call, and a lease that
 * runs out (the worker died) makes the step claimable again. (`= ANY(ARRAY(…))` lets the
 * planner reach the claimed rows by primary key instead of scanning every step.)
 */
export async function claimDueSteps(
  q: Queryable,
  o: { worker: string; now: Date; leaseMs: number; limit: number },
): Promise<ClaimedStep[]> {
  const rows = await q.query<StepRow & { reclaimed: boolean }>(
    `WITH due AS (
       SELECT id, lease_until IS NOT NULL AS reclaimed FROM steps
        WHERE status = 'pending' AND due_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
        ORDER BY due_at, id LIMIT $4
        FOR UPDATE SKIP LOCKED)
     UPDATE steps s SET claimed_by = $1, lease_until = $3, attempts = s.attempts + 1
       FROM due WHERE s.id = due.id AND s.id = ANY(ARRAY(SELECT id FROM due))
     RETURNING s.*, due.reclaimed`,
    [o.worker, o.now, new Date(o.now.getTime() + o.leaseMs), o.limit],
  );
  return rows.map((r) => ({ ...toStep(r), reclaimed: r.reclaimed })).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}

/** When the earliest pending step falls due (the scheduler sleeps until then). */
export async function nextDueAt(q: Queryable): Promise<Date | undefined> {
  // Two index reads: the earliest unclaimed step, and the earliest lease to run out.
  const [row] = await q.query<{ due: Date | null; lease: Date | null }>(
    `SELECT (SELECT due_at FROM steps WHERE status = 'pending' AND lease_until IS NULL ORDER BY due_at, id LIMIT 1) AS due,
            (SELECT min(lease_until) FROM steps WHERE status = 'pending' AND lease_until IS NOT NULL) AS lease`,
  );
  const times = [row?.due, row?.lease].filter((d): d is Date => !!d).map((d) => new Date(d).getTime());
  return times.length ? new Date(Math.min(...times)) : undefined;
}
