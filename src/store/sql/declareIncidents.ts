import type { NewIncident, TimelineEvent } from '../../core/incident.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { json, toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

export type DeclareOutcome =
  | { kind: 'declared'; incident: StoredIncident }
  /** An open incident with this title was declared within the window: pointed to, not declared again. */
  | { kind: 'duplicate'; incident: StoredIncident }
  /** The request key was taken before (a Slack retry, another replica): nothing written now. */
  | { kind: 'repeat'; incidentId: number | null; first: 'declared' | 'duplicate' | null };

export interface DeclareInput {
  requestKey: string;
  incident: NewIncident;
  event: TimelineEvent;
  steps: StepPlan[];
  /** An open incident of the same title declared since then is a duplicate. */
  duplicateSince: Date;
}

/** Open statuses, as SQL (a duplicate must be open). */
export const OPEN = `('investigating', 'identified', 'monitoring')`;

/**
 * Declares in one statement: for each, the duplicate check, the incident, its timeline entry,
 * every step it starts and the request key, all atomically (the statement is its own
 * transaction), so a batch shares one round trip, one fsync and one turn on the counter row.
 * A request key already stored is a repeat (nothing written), an open incident of the same
 * title within its window a duplicate, anything else declared, numbered in the order given.
 * Numbers come from `incident_counter` (migration 000007) inside this statement: a statement
 * that fails gives them back, so numbers have no gaps, and replicas declaring at once take
 * turns on the counter row. The caller never puts two declares with the same request key or
 * the same title in one batch (the next batch sees the first). A request key taken meanwhile
 * by another replica fails the whole statement on its primary key, with nothing written.
 */
export async function declareIncidents(q: Queryable, batch: DeclareInput[]): Promise<DeclareOutcome[]> {
  const rows = await q.query<{ ord: number; declared: IncidentRow | null; duplicate: IncidentRow | null; seen_id: number | null; seen_first: string | null }>(
    `WITH b AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(
         ord integer, key text, since timestamptz, title text, severity integer, status text, mode text, private boolean,
         impact text, compliance_impact boolean, services jsonb, declared_by text, commander text, declared_at timestamptz,
         version integer, ev_at timestamptz, ev_actor text, ev_type text, ev_text text, ev_data jsonb, steps jsonb)
     ), seen AS (
       -- One lookup by primary key per declare (LIMIT 1 keeps it one): as a plain join the
       -- planner, expecting 100 rows from jsonb_to_recordset, scans every request key stored.
       SELECT b.ord, k.incident_id, k.reply->>'kind' AS first
         FROM b CROSS JOIN LATERAL (SELECT incident_id, reply FROM request_keys WHERE key = b.key LIMIT 1) k
     ), dup AS (
       -- The latest open incident of the same title, one lookup per declare by its index
       -- (incidents_open_title), for the same reason as above.
       SELECT b.ord, d.id, d.row
         FROM b CROSS JOIN LATERAL (
           SELECT i.id, row_to_json(i) AS row FROM incidents i
            WHERE lower(i.title) = lower(b.title) AND i.declared_at >= b.since AND i.status IN ${OPEN}
            ORDER BY i.id DESC LIMIT 1) d
        WHERE b.ord NOT IN (SELECT ord FROM seen)
     ), fresh AS (
       SELECT b.*, row_number() OVER (ORDER BY b.ord) - 1 AS n FROM b
        WHERE b.ord NOT IN (SELECT ord FROM seen) AND b.ord NOT IN (SELECT ord FROM dup)
     ), counter AS (
       UPDATE incident_counter SET next_id = next_id + (SELECT count(*) FROM fresh)
        WHERE EXISTS (SELECT 1 FROM fresh)
        RETURNING next_id - (SELECT count(*) FROM fresh) AS first_id
     ), numbered AS (
       -- A scalar subquery, not a join with counter: the planner then expects a few rows, not
       -- thousands, and the estimate stays far below jit_above_cost (JIT compiling this
       -- statement took over a second).
       SELECT f.*, (SELECT first_id FROM counter) + f.n AS id FROM fresh f
     ), inc AS (
       INSERT INTO incidents (id, title, severity, status, mode, private, impact, compliance_impact, services,
         declared_by, commander, declared_at, last_update_at, version)
       SELECT id, title, severity, status, mode, private, impact, compliance_impact, services,
         declared_by, commander, declared_at, declared_at, version FROM numbered
       RETURNING *
     ), tl AS (
       INSERT INTO timeline (incident_id, at, actor, type, text, data)
       SELECT id, ev_at, ev_actor, ev_type, ev_text, ev_data FROM numbered
     ), st AS (
       INSERT INTO steps (incident_id, step_id, kind, source, label, params, due_at)
       SELECT n.id, p.step_id, p.kind, p.source, p.label, p.params, p.due_at
         FROM numbered n, jsonb_to_recordset(n.steps) AS p(step_id text, kind text, source text, label text, params jsonb, due_at timestamptz)
     ), k AS (
       INSERT INTO request_keys (key, incident_id, reply, received_at)
       SELECT b.key, COALESCE(n.id, d.id), jsonb_build_object('kind', CASE WHEN n.id IS NOT NULL THEN 'declared' ELSE 'duplicate' END), b.declared_at
         FROM b LEFT JOIN numbered n ON n.ord = b.ord LEFT JOIN dup d ON d.ord = b.ord
        WHERE b.ord NOT IN (SELECT ord FROM seen)
     )
     SELECT b.ord,
            (SELECT row_to_json(inc) FROM inc JOIN numbered n ON n.id = inc.id WHERE n.ord = b.ord) AS declared,
            (SELECT d.row FROM dup d WHERE d.ord = b.ord) AS duplicate,
            s.incident_id AS seen_id, s.first AS seen_first
       FROM b LEFT JOIN seen s ON s.ord = b.ord
      ORDER BY b.ord`,
    [json(batch.map((o, ord) => {
      const i = o.incident;
      return {
        ord, key: o.requestKey, since: o.duplicateSince, title: i.title, severity: i.severity, status: i.status, mode: i.mode, private: i.private,
        impact: i.impact, compliance_impact: i.complianceImpact, services: i.services, declared_by: i.declaredBy, commander: i.commander,
        declared_at: i.declaredAt, version: i.version, ev_at: o.event.at, ev_actor: o.event.actor, ev_type: o.event.type, ev_text: o.event.text,
        ev_data: o.event.data ?? {},
        steps: o.steps.map((p) => ({ step_id: p.stepId, kind: p.kind, source: p.source, label: p.label, params: p.params, due_at: p.dueAt.toISOString() })),
      };
    }))],
    // Planning this statement was 0.65 ms of its 1.6 (README "Performance"): planned once per connection.
    { prepare: 'drbot_declare_incidents' },
  );
  return rows.map((r): DeclareOutcome => {
    if (r.declared) return { kind: 'declared', incident: toIncident(r.declared) };
    if (r.duplicate) return { kind: 'duplicate', incident: toIncident(r.duplicate) };
    return { kind: 'repeat', incidentId: r.seen_id, first: firstAnswer(r.seen_first) };
  });
}

/**
 * One declare (a batch of one). A request key that another replica stored while this statement
 * ran fails it on the key's primary key: that is a repeat too, answered from the stored key.
 */
export async function declareIncidentOnce(q: Queryable, o: DeclareInput): Promise<DeclareOutcome> {
  try {
    const [outcome] = await declareIncidents(q, [o]);
    return outcome;
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    const [k] = await q.query<{ incident_id: number | null; reply: { kind?: string } | null }>('SELECT incident_id, reply FROM request_keys WHERE key = $1', [o.requestKey]);
    return { kind: 'repeat', incidentId: k?.incident_id ?? null, first: firstAnswer(k?.reply?.kind) };
  }
}

/** What a stored request key says its first request got. */
function firstAnswer(kind: string | null | undefined): 'declared' | 'duplicate' | null {
  return kind === 'declared' || kind === 'duplicate' ? kind : null;
}
