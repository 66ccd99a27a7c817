import type { Queryable } from '../db.ts';

/**
 * What the scheduler sleeps until: the earliest unclaimed step's due time (which can be claimed
 * ahead of it) and the earliest lease to run out (which cannot: its step is claimable only then).
 */
export async function nextDueAt(q: Queryable): Promise<{ due?: Date; lease?: Date }> {
  // Two index reads: the earliest unclaimed step, and the earliest lease to run out.
  const [row] = await q.query<{ due: Date | null; lease: Date | null }>(
    `SELECT (SELECT due_at FROM steps WHERE status = 'pending' AND lease_until IS NULL ORDER BY due_at, id LIMIT 1) AS due,
            (SELECT min(lease_until) FROM steps WHERE status = 'pending' AND lease_until IS NOT NULL) AS lease`,
  );
  return { due: row?.due ? new Date(row.due) : undefined, lease: row?.lease ? new Date(row.lease) : undefined };
}
