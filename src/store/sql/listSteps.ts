import type { Step } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { toStep, type StepRow } from '../rows.ts';

/** An incident's schedule, in due order. */
export async function listSteps(q: Queryable, incidentId: number): Promise<Step[]> {
  const rows = await q.query<StepRow>('SELECT * FROM steps WHERE incident_id = $1 ORDER BY due_at, id', [incidentId]);
  return rows.map(toStep);
}
