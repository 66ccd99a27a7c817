import type { TimelineEvent } from '../../core/incident.ts';
import type { Queryable } from '../db.ts';
import { json, toTimeline, type StoredTimelineEvent, type TimelineRow } from '../rows.ts';

export async function appendTimeline(q: Queryable, incidentId: number, events: TimelineEvent[]): Promise<void> {
  for (const e of events) {
    await q.query(
      'INSERT INTO timeline (incident_id, at, actor, type, text, data) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
      [incidentId, e.at, e.actor, e.type, e.text, json(e.data ?? {})],
    );
  }
}

export async function listTimeline(q: Queryable, incidentId: number): Promise<StoredTimelineEvent[]> {
  const rows = await q.query<TimelineRow>('SELECT * FROM timeline WHERE incident_id = $1 ORDER BY at, id', [incidentId]);
  return rows.map(toTimeline);
}
