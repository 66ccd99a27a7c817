import type { RunStatus } from '../../core/runbook.ts';
import type { Queryable } from '../db.ts';

/**
 * Moves a run to `status` only from one of `from` (compare-and-set under the caller's lock or
 * alone): false when the run was elsewhere, e.g. denied while a step was starting it.
 * Bumps the version, which redraws the run's message.
 */
export async function setRunStatus(
  q: Queryable,
  id: number,
  o: { from: RunStatus[]; to: RunStatus; at: Date; result?: string },
): Promise<boolean> {
  const finished = ['succeeded', 'failed', 'timed_out', 'denied', 'expired', 'dry_run'].includes(o.to);
  const rows = await q.query(
    `UPDATE runs SET status = $3, version = version + 1,
            started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, $4) ELSE started_at END,
            finished_at = CASE WHEN $5 THEN $4 ELSE finished_at END,
            result = COALESCE($6, result)
      WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
    [id, o.from, o.to, o.at, finished, o.result ?? null],
  );
  return rows.length === 1;
}
