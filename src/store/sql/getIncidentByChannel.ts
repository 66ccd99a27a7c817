import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

/** The incident whose channel this is. */
export async function getIncidentByChannel(q: Queryable, channelId: string): Promise<StoredIncident | undefined> {
  const [row] = await q.query<IncidentRow>('SELECT * FROM incidents WHERE channel_id = $1', [channelId]);
  return row && toIncident(row);
}
