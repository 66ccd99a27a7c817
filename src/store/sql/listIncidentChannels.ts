import type { Queryable } from '../db.ts';

/** Every incident channel drbot opened (the console transport reloads them at start). */
export async function listIncidentChannels(q: Queryable): Promise<{ id: string; name: string }[]> {
  return q.query<{ id: string; name: string }>(
    `SELECT channel_id AS id, channel_name AS name FROM incidents WHERE channel_id IS NOT NULL AND channel_name IS NOT NULL ORDER BY id`,
  );
}
