import type { Queryable } from '../db.ts';

/** Claims a calendar notice by its key; false when another replica (or an earlier pass) has it. */
export async function claimCalendarNotice(q: Queryable, key: string, at: Date): Promise<boolean> {
  const rows = await q.query('INSERT INTO calendar_notices (key, sent_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key', [key, at]);
  return rows.length === 1;
}
