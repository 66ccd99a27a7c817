import type { StepPlan } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/**
 * Adds steps to an incident's schedule in one statement. A step id that already exists is left
 * as it is (re-planning never runs a step twice), except a `replan` step that was cancelled
 * before it ever ran: it is pending again with the new plan (due time, params, fresh tries).
 * A cancelled step still claimed by a worker, or with a send recorded, is not touched.
 * Returns the step ids that were new or planted again.
 */
export async function plantSteps(q: Queryable, incidentId: number, plans: StepPlan[]): Promise<string[]> {
  if (!plans.length) return [];
  // One row per id (the first wins): DO UPDATE may not touch a row twice in one statement.
  const seen = new Set<string>();
  const unique = plans.filter((p) => !seen.has(p.stepId) && !!seen.add(p.stepId));
  const rows = await q.query<{ step_id: string }>(
    `INSERT INTO steps (incident_id, step_id, kind, source, label, params, due_at)
     SELECT $1, p.step_id, p.kind, p.source, p.label, p.params, p.due_at
       FROM jsonb_to_recordset($2::jsonb) AS p(step_id text, kind text, source text, label text, params jsonb, due_at timestamptz)
     ON CONFLICT (incident_id, step_id) DO UPDATE
        SET status = 'pending', kind = EXCLUDED.kind, label = EXCLUDED.label, params = EXCLUDED.params, due_at = EXCLUDED.due_at,
            attempts = 0, last_error = NULL, result = NULL
      WHERE steps.status = 'cancelled' AND steps.claimed_by IS NULL AND steps.sent_at IS NULL
        AND steps.source = EXCLUDED.source AND EXCLUDED.step_id = ANY($3::text[])
     RETURNING step_id`,
    [incidentId,
      json(unique.map((p) => ({ step_id: p.stepId, kind: p.kind, source: p.source, label: p.label, params: p.params, due_at: p.dueAt.toISOString() }))),
      unique.filter((p) => p.replan).map((p) => p.stepId)],
  );
  // RETURNING order is not guaranteed: report in the order asked.
  const added = new Set(rows.map((r) => r.step_id));
  return unique.map((p) => p.stepId).filter((id) => added.has(id));
}
