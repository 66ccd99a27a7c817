import type { Queryable } from '../db.ts';

/** Where the active drbot last said it runs. */
export async function getActive(q: Queryable): Promise<{ region: string | null; worker: string; seenAt: Date } | undefined> {
  const [row] = await q.query<{ region: string | null; worker: string; seen_at: Date }>('SELECT region, worker, seen_at FROM drbot_active WHERE single');
  return row && { region: row.region, worker: row.worker, seenAt: new Date(row.seen_at) };
}
