import type { Queryable } from '../db.ts';

export async function setIncidentChannel(q: Queryable, id: number, channelId: string, channelName: string): Promise<void> {
  await q.query('UPDATE incidents SET channel_id = $2, channel_name = $3 WHERE id = $1', [id, channelId, channelName]);
}

/** Records the posted card; only moves forward so an older render never wins. */
export async function setCardPosted(q: Queryable, id: number, ts: string, version: number): Promise<void> {
  await q.query('UPDATE incidents SET card_ts = $2, card_version = GREATEST(card_version, $3) WHERE id = $1', [id, ts, version]);
}

/** Marks incidents changed without a domain change (a chain step finished): their cards are redrawn. */
export async function touchIncidents(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await q.query('UPDATE incidents SET version = version + 1 WHERE id = ANY($1::int[])', [[...new Set(ids)]]);
}
