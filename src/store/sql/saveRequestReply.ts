import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/** The answer given the first time, so a retry can be told the same thing. */
export async function saveRequestReply(q: Queryable, key: string, reply: unknown, incidentId?: number): Promise<void> {
  await q.query('UPDATE request_keys SET reply = $2::jsonb, incident_id = COALESCE($3, incident_id) WHERE key = $1', [key, json(reply), incidentId ?? null]);
}
