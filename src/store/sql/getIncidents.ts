import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

/** Several incidents in one query (the scheduler loads a batch's incidents at once). */
export async function getIncidents(q: Queryable, ids: number[]): Promise<Map<number, StoredIncident>> {
  if (!ids.length) return new Map();
  const rows = await q.query<IncidentRow>('SELECT * FROM incidents WHERE id = ANY($1::int[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, toIncident(r)]));
}
