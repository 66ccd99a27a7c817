import type { NewIncident } from '../../core/incident.ts';
import type { Queryable } from '../db.ts';
import { json, toIncident, type IncidentRow, type StoredIncident } from '../rows.ts';

export async function insertIncident(q: Queryable, i: NewIncident): Promise<StoredIncident> {
  const [row] = await q.query<IncidentRow>(
    `INSERT INTO incidents (title, severity, status, mode, private, impact, compliance_impact, services,
       declared_by, commander, comms, scribe, declared_at, resolved_at, last_update_at, summary, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     RETURNING *`,
    [i.title, i.severity, i.status, i.mode, i.private, i.impact, i.complianceImpact, json(i.services),
      i.declaredBy, i.commander, i.comms, i.scribe, i.declaredAt, i.resolvedAt, i.lastUpdateAt, i.summary, i.version],
  );
  return toIncident(row);
}
