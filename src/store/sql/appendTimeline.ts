import type { TimelineEvent } from '../../core/incident.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/** Appends events in one statement, in the order given. */
export async function appendTimeline(q: Queryable, incidentId: number, events: TimelineEvent[]): Promise<void> {
  if (!events.length) return;
  await q.query(
    `INSERT INTO timeline (incident_id, at, actor, type, text, data)
     SELECT $1, (e.v->>'at')::timestamptz, e.v->>'actor', e.v->>'type', e.v->>'text', e.v->'data'
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n)
      ORDER BY e.n`,
    [incidentId, json(events.map((e) => ({ at: e.at.toISOString(), actor: e.actor, type: e.type, text: e.text, data: e.data ?? {} })))],
  );
}
