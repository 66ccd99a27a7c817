import type { Queryable } from '../db.ts';

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
