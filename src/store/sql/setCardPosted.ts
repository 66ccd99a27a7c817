import type { Queryable } from '../db.ts';

/** Records the posted card; only moves forward so an older render never wins. */
export async function setCardPosted(q: Queryable, id: number, ts: string, version: number): Promise<void> {
  await q.query('UPDATE incidents SET card_ts = $2, card_version = GREATEST(card_version, $3) WHERE id = $1', [id, ts, version]);
}
