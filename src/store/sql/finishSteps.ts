import type { StepOutcome } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

export interface FinishRow {
  id: number;
  worker: string;
  status: StepOutcome['status'];
  error: string | null;
  result: Record<string, unknown>;
  sentAt: Date | null;
}

/**
 * Writes step outcomes and releases their leases, many in one statement (the runner commits
 * them together, one fsync for a burst). Only the worker still holding a claim may: the ids
 * returned are those; a worker whose lease ran out and was re-claimed must not write the timeline.
 */
export async function finishSteps(q: Queryable, rows: FinishRow[]): Promise<Set<number>> {
  if (!rows.length) return new Set();
  const done = await q.query<{ id: number }>(
    `UPDATE steps s SET status = x.status, last_error = x.error, result = x.result, sent_at = x.sent_at,
            claimed_by = NULL, lease_until = NULL
       FROM jsonb_to_recordset($1::jsonb) AS x(id integer, worker text, status text, error text, result jsonb, sent_at timestamptz)
      WHERE s.id = x.id AND s.claimed_by = x.worker AND s.id = ANY($2::int[])
      RETURNING s.id`,
    [json(rows.map((r) => ({ ...r, sentAt: undefined, sent_at: r.sentAt?.toISOString() ?? null }))), rows.map((r) => r.id)],
  );
  return new Set(done.map((d) => d.id));
}
