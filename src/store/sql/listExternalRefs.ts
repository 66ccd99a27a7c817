import type { Queryable } from '../db.ts';
import type { ExternalRef } from './saveExternalRef.ts';

/** What an incident is called elsewhere (PagerDuty, Statuspage, GitHub …), optionally of one kind. */
export async function listExternalRefs(q: Queryable, incidentId: number, kind?: string): Promise<ExternalRef[]> {
  const rows = await q.query<{ kind: string; key: string; ref: string; url: string | null; data: Record<string, unknown>; created_at: Date }>(
    'SELECT * FROM external_refs WHERE incident_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at, key',
    [incidentId, kind ?? null],
  );
  return rows.map((r) => ({ kind: r.kind, key: r.key, ref: r.ref, url: r.url, data: r.data, createdAt: new Date(r.created_at) }));
}
