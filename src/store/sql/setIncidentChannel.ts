import type { Queryable } from '../db.ts';

/** Records the incident's channel once it is open. */
export async function setIncidentChannel(q: Queryable, id: number, channelId: string, channelName: string): Promise<void> {
  await q.query('UPDATE incidents SET channel_id = $2, channel_name = $3 WHERE id = $1', [id, channelId, channelName]);
}
