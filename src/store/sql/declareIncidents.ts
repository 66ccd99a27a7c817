import type { Queryable } from '../db.ts';
import { json, toIncident, type IncidentRow } from '../rows.ts';
import { OPEN, type DeclareInput, type DeclareOutcome } from './declareIncidentOnce.ts';

/**
 * Several declares in one statement, so they share one commit (one fsync, one turn on the
 * counter row) instead of queueing one behind another. Each gets what `declareIncidentOnce`
 * would have given it alone: a request key already stored is a repeat, an open incident of the
 * same title within its window a duplicate, anything else declared, numbered in the order
 * given. The caller never puts two declares with the same request key or the same title in one
 * batch (that is what the next batch is for: it sees this one). A request key taken meanwhile
 * by another replica fails the whole statement on its primary key (nothing written): the
 * caller then declares one by one.
 */
export async function declareIncidents(q: Queryable, batch: DeclareInput[]): Promise<DeclareOutcome[]> {
  const rows = await q.query<{ ord: number; declared: IncidentRow | null; duplicate: IncidentRow | null; seen_id: number | null; seen_first: string | null }>(
    `WITH b AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS b(
         ord integer, key text, since timestamptz, title text, severity integer, status text, mode text, private boolean,
         impact text, compliance_impact boolean, services jsonb, declared_by text, commander text, declared_at timestamptz,
         version integer, ev_at timestamptz, ev_actor text, ev_type text, ev_text text, ev_data jsonb, steps jsonb)
     ), seen AS (
       SELECT b.ord, k.incident_id, k.reply->>'kind' AS first FROM b JOIN request_keys k ON k.key = b.key
     ), dup AS (
       SELECT DISTINCT ON (b.ord) b.ord, i.id, row_to_json(i) AS row
         FROM b JOIN incidents i ON lower(i.title) = lower(b.title) AND i.declared_at >= b.since AND i.status IN ${OPEN}
        WHERE b.ord NOT IN (SELECT ord FROM seen)
        ORDER BY b.ord, i.id DESC
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
  );
  return rows.map((r): DeclareOutcome => {
    if (r.declared) return { kind: 'declared', incident: toIncident(r.declared) };
    if (r.duplicate) return { kind: 'duplicate', incident: toIncident(r.duplicate) };
    const first = r.seen_first === 'declared' || r.seen_first === 'duplicate' ? r.seen_first : null;
    return { kind: 'repeat', incidentId: r.seen_id, first };
  });
}
