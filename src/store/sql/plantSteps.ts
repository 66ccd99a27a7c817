import type { StepPlan } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/**
 * Adds steps to an incident's schedule in one statement. A step id that already exists (sent,
 * pending or cancelled) is left as it is: re-planning never runs a step twice.
 * Returns the step ids that were new.
 */
export async function plantSteps(q: Queryable, incidentId: number, plans: StepPlan[]): Promise<string[]> {
  if (!plans.length) return [];
  const rows = await q.query<{ step_id: string }>(
    `INSERT INTO steps (incident_id, step_id, kind, source, label, params, due_at)
     SELECT $1, p.step_id, p.kind, p.source, p.label, p.params, p.due_at
       FROM jsonb_to_recordset($2::jsonb) AS p(step_id text, kind text, source text, label text, params jsonb, due_at timestamptz)
     ON CONFLICT (incident_id, step_id) DO NOTHING RETURNING step_id`,
    [incidentId, json(plans.map((p) => ({ step_id: p.stepId, kind: p.kind, source: p.source, label: p.label, params: p.params, due_at: p.dueAt.toISOString() })))],
  );
  // RETURNING order is not guaranteed: report in the order asked.
  const added = new Set(rows.map((r) => r.step_id));
  return plans.map((p) => p.stepId).filter((id) => added.has(id));
}
