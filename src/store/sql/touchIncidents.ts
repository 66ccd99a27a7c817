import type { Queryable } from '../db.ts';

/** Marks incidents changed without a domain change (a chain step finished): their cards are redrawn. */
export async function touchIncidents(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await q.query('UPDATE incidents SET version = version + 1 WHERE id = ANY($1::int[])', [[...new Set(ids)]]);
}
