import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

export interface PublicUpdate { at: Date; status: string; body: string }
export interface PublicIncident { incident: StoredIncident; updates: PublicUpdate[] }

/**
 * What drbot's own status page may show: real (not drill), non-private incidents that were made
 * public (a public update went out: `--public`, the chain's status-page step, the Publish
 * button) and are open, or closed since `since`. Updates newest first.
 */
export async function listPublicIncidents(q: Queryable, since: Date): Promise<PublicIncident[]> {
  const rows = await q.query<IncidentRow>(
    `SELECT * FROM incidents i
      WHERE NOT private AND mode = 'real'
        AND EXISTS (SELECT 1 FROM public_updates p WHERE p.incident_id = i.id)
        AND (status IN ('investigating', 'identified', 'monitoring') OR resolved_at >= $1)
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
