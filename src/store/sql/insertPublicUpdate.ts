import type { Queryable } from '../db.ts';

/** Records a public update as sent; a repeat of the same step (same key) keeps the first. */
export async function insertPublicUpdate(q: Queryable, incidentId: number, u: { key: string; at: Date; status: string; body: string }): Promise<void> {
  await q.query(
    `INSERT INTO public_updates (incident_id, key, at, status, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (incident_id, key) DO NOTHING`,
    [incidentId, u.key, u.at, u.status, u.body],
  );
}
