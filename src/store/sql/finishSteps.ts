import type { TimelineEvent } from '../../core/incident.ts';
import type { StepOutcome } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

export interface FinishRow {
  id: number;
  worker: string;
  status: StepOutcome['status'];
  error: string | null;
  result: Record<string, unknown>;
  sentAt: Date | null;
  /** The outcome's timeline entry, written only if the done mark is. */
  timeline?: { incidentId: number; event: TimelineEvent };
  /** Bump this incident's version (its card is redrawn), only if the done mark is written. */
  touch?: number;
}

/**
 * Writes step outcomes and releases their leases, many in one statement with their timeline
 * entries and card redraw marks (the statement is its own transaction: one round trip and one
 * fsync for a burst). Only the worker still holding a claim may: the ids returned are those; a
 * worker whose lease ran out and was re-claimed writes neither the mark nor the timeline.
 */
export async function finishSteps(q: Queryable, rows: FinishRow[]): Promise<Set<number>> {
  if (!rows.length) return new Set();
  const done = await q.query<{ id: number }>(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS x(n integer, id integer, worker text, status text, error text, result jsonb, sent_at timestamptz, incident_id integer, event jsonb, touch integer)
     ), done AS (
       UPDATE steps s SET status = x.status, last_error = x.error, result = x.result, sent_at = x.sent_at,
              claimed_by = NULL, lease_until = NULL
         FROM x
        WHERE s.id = x.id AND s.claimed_by = x.worker AND s.id = ANY($2::int[])
        RETURNING s.id
     ), kept AS (
       SELECT x.* FROM x JOIN done ON done.id = x.id
     ), entries AS (
       INSERT INTO timeline (incident_id, at, actor, type, text, data)
       SELECT incident_id, (event->>'at')::timestamptz, event->>'actor', event->>'type', event->>'text', event->'data'
         FROM kept WHERE event IS NOT NULL
        ORDER BY n
     ), touched AS (
       UPDATE incidents SET version = version + 1 WHERE id IN (SELECT touch FROM kept WHERE touch IS NOT NULL)
     )
     SELECT id FROM done`,
    [json(rows.map((r, n) => ({
      n, id: r.id, worker: r.worker, status: r.status, error: r.error, result: r.result, sent_at: r.sentAt?.toISOString() ?? null,
      incident_id: r.timeline?.incidentId ?? null, touch: r.touch ?? null,
      event: r.timeline ? { at: r.timeline.event.at.toISOString(), actor: r.timeline.event.actor, type: r.timeline.event.type, text: r.timeline.event.text, data: r.timeline.event.data ?? {} } : null,
    }))), rows.map((r) => r.id)],
    { prepare: 'drbot_finish_steps' },
  );
  return new Set(done.map((d) => d.id));
}
