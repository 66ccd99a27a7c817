import type { Queryable } from '../db.ts';

/** Incidents whose posted card shows an older version than the stored one. */
export async function listStaleCards(q: Queryable): Promise<number[]> {
  const rows = await q.query<{ id: number }>('SELECT id FROM incidents WHERE card_ts IS NOT NULL AND card_version < version ORDER BY id');
  return rows.map((r) => r.id);
}
