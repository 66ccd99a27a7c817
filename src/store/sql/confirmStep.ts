import type { Queryable } from '../db.ts';

/** The provider confirmed a step (e.g. a page acknowledged); the first confirmation time stays. */
export async function confirmStep(q: Queryable, incidentId: number, stepId: string, at: Date): Promise<void> {
  await q.query('UPDATE steps SET confirmed_at = COALESCE(confirmed_at, $3) WHERE incident_id = $1 AND step_id = $2', [incidentId, stepId, at]);
}
