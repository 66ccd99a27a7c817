import type { Queryable } from '../db.ts';

/** When the earliest pending step falls due (the scheduler sleeps until then). */
export async function nextDueAt(q: Queryable): Promise<Date | undefined> {
  // Two index reads: the earliest unclaimed step, and the earliest lease to run out.
  const [row] = await q.query<{ due: Date | null; lease: Date | null }>(
    `SELECT (SELECT due_at FROM steps WHERE status = 'pending' AND lease_until IS NULL ORDER BY due_at, id LIMIT 1) AS due,
            (SELECT min(lease_until) FROM steps WHERE status = 'pending' AND lease_until IS NOT NULL) AS lease`,
  );
  const times = [row?.due, row?.lease].filter((d): d is Date => !!d).map((d) => new Date(d).getTime());
  return times.length ? new Date(Math.min(...times)) : undefined;
}
