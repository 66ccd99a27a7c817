import type { Queryable } from '../db.ts';
import { toIncident, toStep, type IncidentRow, type StepRow } from '../rows.ts';
import type { IncidentWithSteps } from './getIncidentWithSteps.ts';

/**
 * Takes up to `limit` cards to redraw: incidents whose posted card shows an older version than
 * the stored one and that no replica holds, each with its steps (what the card shows), oldest
 * first. They are held until `setCardsPosted` or `now + leaseMs`: one round trip for a pass's
 * redraws, and no card redrawn by two replicas at once.
 */
export async function claimStaleCards(q: Queryable, o: { now: Date; leaseMs: number; limit: number }): Promise<IncidentWithSteps[]> {
  const rows = await q.query<{ incident: IncidentRow; steps: StepRow[] }>(
    `WITH claimed AS (
       UPDATE incidents i SET card_lease_until = $1::timestamptz + $2 * interval '1 millisecond'
        -- ARRAY(…): the ids first, then each row by its key (as IN (…) the planner hash-joins
        -- with a scan of every incident).
        WHERE i.id = ANY(ARRAY(
          SELECT id FROM incidents
           WHERE card_ts IS NOT NULL AND card_version < version AND (card_lease_until IS NULL OR card_lease_until <= $1)
           ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED))
       RETURNING i.*
     )
     SELECT row_to_json(c) AS incident,
            COALESCE((SELECT json_agg(s ORDER BY s.due_at, s.id) FROM steps s WHERE s.incident_id = c.id), '[]'::json) AS steps
       FROM claimed c ORDER BY c.id`,
    [o.now, o.leaseMs, o.limit],
  );
  return rows.map((r) => ({ incident: toIncident(r.incident), steps: r.steps.map(toStep) }));
}
