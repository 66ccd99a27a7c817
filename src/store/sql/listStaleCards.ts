import type { Queryable } from '../db.ts';
import { toIncident, toStep, type IncidentRow, type StepRow } from '../rows.ts';
import type { IncidentWithSteps } from './getIncidentWithSteps.ts';

/**
 * Incidents whose posted card shows an older version than the stored one, each with its steps
 * (what the card shows), oldest first, at most `limit`: one round trip for a pass's redraws.
 */
export async function listStaleCards(q: Queryable, limit: number): Promise<IncidentWithSteps[]> {
  const rows = await q.query<{ incident: IncidentRow; steps: StepRow[] }>(
    `SELECT row_to_json(i) AS incident,
            COALESCE((SELECT json_agg(s ORDER BY s.due_at, s.id) FROM steps s WHERE s.incident_id = i.id), '[]'::json) AS steps
       FROM incidents i WHERE i.card_ts IS NOT NULL AND i.card_version < i.version ORDER BY i.id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ incident: toIncident(r.incident), steps: r.steps.map(toStep) }));
}
