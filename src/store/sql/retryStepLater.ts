import type { Queryable } from '../db.ts';

/** A failed try with tries left: back to pending, due again at `retryAt`. */
export async function retryStepLater(q: Queryable, o: { id: number; worker: string; error: string; retryAt: Date }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE steps SET due_at = $4, last_error = $3, claimed_by = NULL, lease_until = NULL
      WHERE id = $1 AND claimed_by = $2 AND status = 'pending' RETURNING id`,
    [o.id, o.worker, o.error, o.retryAt],
  );
  return rows.length === 1;
}
