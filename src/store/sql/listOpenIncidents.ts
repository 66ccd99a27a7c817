import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

/** Open incidents (investigating, identified, monitoring), most severe first, then oldest first. */
export async function listOpenIncidents(q: Queryable): Promise<StoredIncident[]> {
  const rows = await q.query<IncidentRow>(
    `SELECT * FROM incidents WHERE status IN ('investigating', 'identified', 'monitoring') ORDER BY severity, declared_at`,
  );
  return rows.map(toIncident);
}
