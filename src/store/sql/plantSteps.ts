import type { StepPlan } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/**
 * Adds steps to an incident's schedule. A step id that already exists (sent, pending or
 * cancelled) is left as it is: re-planning never runs a step twice.
 * Returns the step ids that were new.
 */
export async function plantSteps(q: Queryable, incidentId: number, plans: StepPlan[]): Promise<string[]> {
  const added: string[] = [];
  for (const p of plans) {
    const rows = await q.query<{ step_id: string }>(
      `INSERT INTO steps (incident_id, step_id, kind, source, label, params, due_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (incident_id, step_id) DO NOTHING RETURNING step_id`,
      [incidentId, p.stepId, p.kind, p.source, p.label, json(p.params), p.dueAt],
    );
    if (rows.length) added.push(p.stepId);
  }
  return added;
}
