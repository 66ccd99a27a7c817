import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/**
 * Claims a request key (Slack trigger id, event id, click) inside the transaction that acts on
 * it. Returns false when the key was already claimed: a retry, a double click, or a second
 * replica got there first. The unique key in PostgreSQL decides, not Redis.
 */
export async function claimRequestKey(q: Queryable, key: string, at: Date, incidentId?: number): Promise<boolean> {
  const rows = await q.query(
    'INSERT INTO request_keys (key, incident_id, received_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key',
    [key, incidentId ?? null, at],
  );
  return rows.length === 1;
}

/** The answer given the first time, so a retry can be told the same thing. */
export async function saveRequestReply(q: Queryable, key: string, reply: unknown, incidentId?: number): Promise<void> {
  await q.query('UPDATE request_keys SET reply = $2::jsonb, incident_id = COALESCE($3, incident_id) WHERE key = $1', [key, json(reply), incidentId ?? null]);
}

export async function getRequestReply(q: Queryable, key: string): Promise<{ reply: unknown; incidentId: number | null } | undefined> {
  const [row] = await q.query<{ reply: unknown; incident_id: number | null }>('SELECT reply, incident_id FROM request_keys WHERE key = $1', [key]);
  return row && { reply: row.reply, incidentId: row.incident_id };
}
