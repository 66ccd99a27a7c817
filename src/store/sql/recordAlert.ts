import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

export interface AlertSeen {
  fingerprint: string;
  startsAt: Date;
  groupKey: string;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  at: Date;
}

/**
 * Records an Alertmanager alert (one row per fingerprint and start): a repeated webhook updates
 * it. Returns the incident it is tied to, if any.
 */
export async function recordAlert(q: Queryable, a: AlertSeen): Promise<{ incidentId: number | null }> {
  const [row] = await q.query<{ incident_id: number | null }>(
    `INSERT INTO alerts (fingerprint, starts_at, group_key, alertname, status, labels, first_seen, last_seen)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)
     ON CONFLICT (fingerprint, starts_at) DO UPDATE SET status = EXCLUDED.status, last_seen = EXCLUDED.last_seen
     RETURNING incident_id`,
    [a.fingerprint, a.startsAt, a.groupKey, a.alertname, a.status, json(a.labels), a.at],
  );
  return { incidentId: row.incident_id };
}
