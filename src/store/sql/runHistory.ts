import type { PastRun } from '../../core/runbook.ts';
import type { Queryable } from '../db.ts';

/** Earlier runs of a runbook (not rollbacks), for the cooldown and max-attempts rule. */
export async function runHistory(q: Queryable, runbook: string, o: { excludeDrills?: boolean } = {}): Promise<PastRun[]> {
  const rows = await q.query<{ id: number; incident_id: number; status: string; requested_at: Date; started_at: Date | null }>(
    `SELECT id, incident_id, status, requested_at, started_at FROM runs
      WHERE runbook = $1 AND rollback_of IS NULL
        AND NOT ($2 AND incident_id IN (SELECT id FROM incidents WHERE mode = 'drill'))
      ORDER BY id DESC LIMIT 500`,
    [runbook, !!o.excludeDrills],
  );
  return rows.map((r) => ({
    id: r.id, incidentId: r.incident_id, status: r.status as PastRun['status'],
    requestedAt: new Date(r.requested_at), startedAt: r.started_at ? new Date(r.started_at) : null,
  }));
}
