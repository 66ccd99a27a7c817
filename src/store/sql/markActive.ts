import type { Queryable } from '../db.ts';

/** The active drbot says where it runs (a standby reads it through replication). */
export async function markActive(q: Queryable, o: { region?: string; worker: string; at: Date }): Promise<void> {
  await q.query(
    `INSERT INTO drbot_active (single, region, worker, seen_at) VALUES (true, $1, $2, $3)
     ON CONFLICT (single) DO UPDATE SET region = EXCLUDED.region, worker = EXCLUDED.worker, seen_at = EXCLUDED.seen_at`,
    [o.region ?? null, o.worker, o.at],
  );
}
