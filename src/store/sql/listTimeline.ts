import type { Queryable } from '../db.ts';
import { toTimeline, type StoredTimelineEvent, type TimelineRow } from '../rows.ts';

/** An incident's timeline, oldest first. */
export async function listTimeline(q: Queryable, incidentId: number): Promise<StoredTimelineEvent[]> {
  const rows = await q.query<TimelineRow>('SELECT * FROM timeline WHERE incident_id = $1 ORDER BY at, id', [incidentId]);
  return rows.map(toTimeline);
}
