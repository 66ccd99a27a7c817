import type { Incident } from '../../core/incident.ts';
import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

/** Writes the fields a domain change may touch. Call inside the transaction that read it FOR UPDATE. */
export async function saveIncident(q: Queryable, i: Incident): Promise<void> {
  await q.query(
    `UPDATE incidents SET title = $2, severity = $3, status = $4, impact = $5, compliance_impact = $6,
       services = $7::jsonb, commander = $8, comms = $9, scribe = $10, resolved_at = $11,
       last_update_at = $12, summary = $13, version = $14, last_update_note = $15
     WHERE id = $1`,
    [i.id, i.title, i.severity, i.status, i.impact, i.complianceImpact, json(i.services), i.commander,
      i.comms, i.scribe, i.resolvedAt, i.lastUpdateAt, i.summary, i.version, i.lastUpdateNote],
  );
}
