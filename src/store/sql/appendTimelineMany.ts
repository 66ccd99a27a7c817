import type { TimelineEvent } from '../../core/incident.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/** Events of several incidents in one statement, in the order given. */
export async function appendTimelineMany(q: Queryable, rows: { incidentId: number; event: TimelineEvent }[]): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO timeline (incident_id, at, actor, type, text, data)
     SELECT (e.v->>'incidentId')::integer, (e.v->>'at')::timestamptz, e.v->>'actor', e.v->>'type', e.v->>'text', e.v->'data'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
      ORDER BY e.n`,
    [json(rows.map(({ incidentId, event: e }) => ({ incidentId, at: e.at.toISOString(), actor: e.actor, type: e.type, text: e.text, data: e.data ?? {} })))],
  );
}
