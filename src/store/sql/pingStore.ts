import type { Queryable } from '../db.ts';

/** Throws when the database does not answer (GET /readyz). */
export async function pingStore(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}
