import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

export interface PublicUpdate { at: Date; status: string; body: string }
export interface PublicIncident { incident: StoredIncident; updates: PublicUpdate[] }

/**
 * What drbot's own status page may show: real (not drill), non-private incidents that are
 * open, or that closed since `since`. A cancelled one only if something public went out for it.
 * Updates newest first.
 */
export async function listPublicIncidents(q: Queryable, since: Date): Promise<PublicIncident[]> {
  const rows = await q.query<IncidentRow>(
    `SELECT * FROM incidents i
      WHERE NOT private AND mode = 'real'
        AND (status IN ('investigating', 'identified', 'monitoring')
             OR (status = 'resolved' AND resolved_at >= $1)
             OR (status = 'cancelled' AND resolved_at >= $1 AND EXISTS (SELECT 1 FROM public_updates p WHERE p.incident_id = i.id)))
      ORDER BY declared_at DESC, id DESC`,
    [since],
  );
  if (!rows.length) return [];
  const updates = await q.query<{ incident_id: number; at: Date; status: string; body: string }>(
    'SELECT incident_id, at, status, body FROM public_updates WHERE incident_id = ANY($1::int[]) ORDER BY at DESC, key DESC',
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    incident: toIncident(r),
    updates: updates.filter((u) => u.incident_id === r.id).map((u) => ({ at: new Date(u.at), status: u.status, body: u.body })),
  }));
}
