import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';
import type { AlertSeen } from './recordAlert.ts';

/**
 * Records many Alertmanager alerts in one statement (a webhook carries up to 500): one row per
 * fingerprint and start, a repeat updates it. Returns each alert's incident, if it has one, keyed
 * `fingerprint@startsAt`.
 */
export async function recordAlerts(q: Queryable, alerts: AlertSeen[]): Promise<Map<string, number | null>> {
  if (!alerts.length) return new Map();
  // One row per key: a webhook naming the same alert twice must not hit the same row twice in one statement.
  const unique = [...new Map(alerts.map((a) => [alertKey(a.fingerprint, a.startsAt), a])).values()];
  const rows = await q.query<{ fingerprint: string; starts_at: Date; incident_id: number | null }>(
    `INSERT INTO alerts (fingerprint, starts_at, group_key, alertname, status, labels, first_seen, last_seen)
     SELECT x.fingerprint, x.starts_at, x.group_key, x.alertname, x.status, x.labels, x.at, x.at
       FROM jsonb_to_recordset($1::jsonb) AS x(fingerprint text, starts_at timestamptz, group_key text, alertname text, status text, labels jsonb, at timestamptz)
     ON CONFLICT (fingerprint, starts_at) DO UPDATE SET status = EXCLUDED.status, last_seen = EXCLUDED.last_seen
     RETURNING fingerprint, starts_at, incident_id`,
    [json(unique.map((a) => ({ fingerprint: a.fingerprint, starts_at: a.startsAt.toISOString(), group_key: a.groupKey, alertname: a.alertname, status: a.status, labels: a.labels, at: a.at.toISOString() })))],
  );
  return new Map(rows.map((r) => [alertKey(r.fingerprint, new Date(r.starts_at)), r.incident_id]));
}

/** Ties alerts to the incident they opened or joined; an alert already tied keeps its incident. */
export async function setAlertsIncident(q: Queryable, alerts: { fingerprint: string; startsAt: Date }[], incidentId: number): Promise<void> {
  if (!alerts.length) return;
  await q.query(
    `UPDATE alerts a SET incident_id = $2
       FROM jsonb_to_recordset($1::jsonb) AS x(fingerprint text, starts_at timestamptz)
      WHERE a.fingerprint = x.fingerprint AND a.starts_at = x.starts_at AND a.incident_id IS NULL`,
    [json(alerts.map((a) => ({ fingerprint: a.fingerprint, starts_at: a.startsAt.toISOString() }))), incidentId],
  );
}

export function alertKey(fingerprint: string, startsAt: Date): string {
  return `${fingerprint}@${startsAt.toISOString()}`;
}
