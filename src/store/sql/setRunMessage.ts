import type { Queryable } from '../db.ts';

/** Where the run's request message was posted (it is updated in place from then on). */
export async function setRunMessage(q: Queryable, id: number, channel: string, ts: string): Promise<void> {
  await q.query('UPDATE runs SET message_channel = $2, message_ts = $3 WHERE id = $1 AND message_ts IS NULL', [id, channel, ts]);
}
