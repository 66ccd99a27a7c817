import type { Queryable } from '../db.ts';

/** When the last drill started, and when drbot's store was set up (its first migration). */
export async function drillHistory(q: Queryable): Promise<{ lastDrillAt?: Date; installedAt: Date }> {
  const [row] = await q.query<{ last: Date | null; installed: Date }>(
    `SELECT (SELECT max(declared_at) FROM incidents WHERE mode = 'drill') AS last,
            (SELECT min(applied_at) FROM drbot_migrations) AS installed`,
  );
  return { lastDrillAt: row.last ? new Date(row.last) : undefined, installedAt: new Date(row.installed) };
}
