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
 * A declare in one statement: the duplicate check, the incident, its timeline entry, every step
 * it starts and the request key, atomically (the statement is its own transaction). One round
 * trip keeps the time before Slack's ack short. A request key already present makes the whole
 * statement fail on its primary key, so a retry writes nothing. The incident's number is taken
 * from `incident_counter` by the insert itself (the column default, migration 000007), inside
 * this statement: a statement that fails gives it back, so numbers have no gaps, and replicas
 * declaring at once take turns on the counter row.
 */
export async function declareIncidentOnce(q: Queryable, o: DeclareInput): Promise<DeclareOutcome> {
  const i = o.incident;
  try {
    const [row] = await q.query<{ declared: IncidentRow | null; duplicate: IncidentRow | null }>(
      `WITH dup AS (
         SELECT * FROM incidents WHERE lower(title) = lower($2) AND declared_at >= $3 AND status IN ${OPEN}
          ORDER BY id DESC LIMIT 1
       ), inc AS (
         INSERT INTO incidents (title, severity, status, mode, private, impact, compliance_impact, services,
           declared_by, commander, declared_at, last_update_at, version)
         SELECT $2, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $13, $14 WHERE NOT EXISTS (SELECT 1 FROM dup)
         RETURNING *
       ), tl AS (
         INSERT INTO timeline (incident_id, at, actor, type, text, data)
         SELECT inc.id, $15, $16, $17, $18, $19::jsonb FROM inc
       ), st AS (
         INSERT INTO steps (incident_id, step_id, kind, source, label, params, due_at)
         SELECT inc.id, p.step_id, p.kind, p.source, p.label, p.params, p.due_at
           FROM inc, jsonb_to_recordset($20::jsonb) AS p(step_id text, kind text, source text, label text, params jsonb, due_at timestamptz)
       ), k AS (
         INSERT INTO request_keys (key, incident_id, reply, received_at)
         SELECT $1, COALESCE((SELECT id FROM inc), (SELECT id FROM dup)),
                jsonb_build_object('kind', CASE WHEN EXISTS (SELECT 1 FROM inc) THEN 'declared' ELSE 'duplicate' END), $13
       )
       SELECT (SELECT row_to_json(inc) FROM inc) AS declared, (SELECT row_to_json(dup) FROM dup) AS duplicate`,
      [o.requestKey, i.title, o.duplicateSince, i.severity, i.status, i.mode, i.private, i.impact, i.complianceImpact, json(i.services),
        i.declaredBy, i.commander, i.declaredAt, i.version, o.event.at, o.event.actor, o.event.type, o.event.text, json(o.event.data ?? {}),
        json(o.steps.map((p) => ({ step_id: p.stepId, kind: p.kind, source: p.source, label: p.label, params: p.params, due_at: p.dueAt.toISOString() })))],
    );
    if (row.declared) return { kind: 'declared', incident: toIncident(row.declared) };
    return { kind: 'duplicate', incident: toIncident(row.duplicate!) };
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    const [k] = await q.query<{ incident_id: number | null; reply: { kind?: string } | null }>('SELECT incident_id, reply FROM request_keys WHERE key = $1', [o.requestKey]);
    const first = k?.reply?.kind === 'declared' || k?.reply?.kind === 'duplicate' ? k.reply.kind : null;
    return { kind: 'repeat', incidentId: k?.incident_id ?? null, first };
  }
}
