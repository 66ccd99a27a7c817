import type { Queryable } from '../db.ts';

/** A change that only needs the message redrawn (an approval that is not the last one). */
export async function bumpRunVersion(q: Queryable, id: number): Promise<number> {
  const [row] = await q.query<{ version: number }>('UPDATE runs SET version = version + 1 WHERE id = $1 RETURNING version', [id]);
  return row.version;
}
