import type { Queryable } from '../db.ts';
import { toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

/** `forUpdate` locks the row until the transaction ends: changes to one incident take turns. */
export async function getIncident(q: Queryable, id: number, forUpdate = false): Promise<StoredIncident | undefined> {
  const [row] = await q.query<IncidentRow>(`SELECT * FROM incidents WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row && toIncident(row);
}

export async function getIncidentByChannel(q: Queryable, channelId: string): Promise<StoredIncident | undefined> {
  const [row] = await q.query<IncidentRow>('SELECT * FROM incidents WHERE channel_id = $1', [channelId]);
  return row && toIncident(row);
}

/** Several incidents in one query (the scheduler loads a batch's incidents at once). */
export async function getIncidents(q: Queryable, ids: number[]): Promise<Map<number, StoredIncident>> {
  if (!ids.length) return new Map();
  const rows = await q.query<IncidentRow>('SELECT * FROM incidents WHERE id = ANY($1::int[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, toIncident(r)]));
}
