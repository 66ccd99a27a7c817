import type { PastRun } from '../../core/runbook.ts';
import type { Queryable } from '../db.ts';

/**
 * Earlier runs of a runbook (not rollbacks), for the cooldown and max-attempts rule. `changed`:
 * the run got past its preconditions (an action of its main steps started).
 */
export async function runHistory(q: Queryable, runbook: string, o: { excludeDrills?: boolean } = {}): Promise<PastRun[]> {
  const rows = await q.query<{ id: number; incident_id: number; status: string; requested_at: Date; started_at: Date | null; params: Record<string, string>; changed: boolean }>(
    `SELECT r.id, r.incident_id, r.status, r.requested_at, r.started_at, r.params,
            EXISTS (SELECT 1 FROM run_actions a WHERE a.run_id = r.id AND a.phase = 'steps') AS changed
       FROM runs r
      WHERE r.runbook = $1 AND r.rollback_of IS NULL
        AND NOT ($2 AND r.incident_id IN (SELECT id FROM incidents WHERE mode = 'drill'))
      ORDER BY r.id DESC LIMIT 500`,
    [runbook, !!o.excludeDrills],
  );
  return rows.map((r) => ({
    id: r.id, incidentId: r.incident_id, status: r.status as PastRun['status'],
    requestedAt: new Date(r.requested_at), startedAt: r.started_at ? new Date(r.started_at) : null,
    params: r.params ?? {}, changed: r.changed,
  }));
}
