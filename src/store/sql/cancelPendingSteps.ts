import type { Queryable } from '../db.ts';

/**
 * Cancels an incident's pending steps: all of them, or those with the listed ids or sources.
 * A step in flight keeps its claim and still records what it sent.
 */
export async function cancelPendingSteps(q: Queryable, incidentId: number, stepIds?: string[], sources?: string[]): Promise<string[]> {
  const rows = await q.query<{ step_id: string }>(
    `UPDATE steps SET status = 'cancelled'
      WHERE incident_id = $1 AND status = 'pending'
        AND ($2::text[] IS NULL OR step_id = ANY($2::text[]))
        AND ($3::text[] IS NULL OR source = ANY($3::text[]))
      RETURNING step_id`,
    [incidentId, stepIds ?? null, sources ?? null],
  );
  return rows.map((r) => r.step_id);
}
