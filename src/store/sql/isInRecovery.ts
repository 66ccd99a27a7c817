import type { Queryable } from '../db.ts';

/** Is the database a read-only standby (a streaming replica not yet promoted)? */
export async function isInRecovery(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
  return row.standby;
}
