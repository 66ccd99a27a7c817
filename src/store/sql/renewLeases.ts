import type { Queryable } from '../db.ts';

/**
 * The heartbeat of a worker with steps in flight: pushes their leases to `until`. Only steps it
 * still holds (pending, claimed by it) are renewed; returns their ids, so a worker learns when a
 * claim was lost.
 */
export async function renewLeases(q: Queryable, o: { worker: string; ids: number[]; until: Date }): Promise<Set<number>> {
  if (!o.ids.length) return new Set();
  const rows = await q.query<{ id: number }>(
    `UPDATE steps SET lease_until = $3
      WHERE id = ANY($2::int[]) AND claimed_by = $1 AND status = 'pending' AND lease_until IS NOT NULL
      RETURNING id`,
    [o.worker, o.ids, o.until],
  );
  return new Set(rows.map((r) => r.id));
}
