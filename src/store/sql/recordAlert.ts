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

export async function setAlertIncident(q: Queryable, fingerprint: string, startsAt: Date, incidentId: number): Promise<void> {
  await q.query('UPDATE alerts SET incident_id = $3 WHERE fingerprint = $1 AND starts_at = $2 AND incident_id IS NULL', [fingerprint, startsAt, incidentId]);
}

/** An open incident already tied to another alert of the same Alertmanager group. */
export async function openIncidentOfGroup(q: Queryable, groupKey: string): Promise<number | undefined> {
  const [row] = await q.query<{ id: number }>(
    `SELECT i.id FROM alerts a JOIN incidents i ON i.id = a.incident_id
      WHERE a.group_key = $1 AND i.status IN ('investigating', 'identified', 'monitoring')
      ORDER BY i.id DESC LIMIT 1`,
    [groupKey],
  );
  return row?.id;
}

/** Alert names firing for an incident: a signal class of their own in the failover quorum. */
export async function firingAlertsOf(q: Queryable, incidentId: number): Promise<string[]> {
  const rows = await q.query<{ alertname: string }>(
    `SELECT DISTINCT alertname FROM alerts WHERE incident_id = $1 AND status = 'firing' ORDER BY alertname`,
    [incidentId],
  );
  return rows.map((r) => r.alertname);
}
