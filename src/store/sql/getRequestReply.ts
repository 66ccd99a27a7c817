import type { Queryable } from '../db.ts';

/** What was answered the first time a request key was claimed (and the incident it concerned). */
export async function getRequestReply(q: Queryable, key: string): Promise<{ reply: unknown; incidentId: number | null } | undefined> {
  const [row] = await q.query<{ reply: unknown; incident_id: number | null }>('SELECT reply, incident_id FROM request_keys WHERE key = $1', [key]);
  return row && { reply: row.reply, incidentId: row.incident_id };
}
