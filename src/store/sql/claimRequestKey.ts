import type { Queryable } from '../db.ts';

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
