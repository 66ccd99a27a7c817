import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

export async function listOpenIncidents(q: Queryable): Promise<StoredIncident[]> {
  const rows = await q.query<IncidentRow>(
    `SELECT * FROM incidents WHERE status IN ('investigating', 'identified', 'monitoring') ORDER BY severity, declared_at`,
  );
  return rows.map(toIncident);
}

export async function countIncidentsBySeverity(q: Queryable): Promise<{ severity: number; open: number }[]> {
  return q.query(
    `SELECT severity, count(*) FILTER (WHERE status IN ('investigating', 'identified', 'monitoring'))::int AS open
       FROM incidents GROUP BY severity ORDER BY severity`,
  );
}

/** Incidents whose posted card shows an older version than the stored one. */
export async function listStaleCards(q: Queryable): Promise<number[]> {
  const rows = await q.query<{ id: number }>('SELECT id FROM incidents WHERE card_ts IS NOT NULL AND card_version < version ORDER BY id');
  return rows.map((r) => r.id);
}
