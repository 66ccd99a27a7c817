import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';

export interface ExternalRef {
  kind: string;
  key: string;
  ref: string;
  url: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Records what an incident is called elsewhere; the first record for a key wins. */
export async function saveExternalRef(q: Queryable, incidentId: number, r: Omit<ExternalRef, 'createdAt' | 'data'> & { data?: Record<string, unknown> }, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO external_refs (incident_id, kind, key, ref, url, data, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (incident_id, kind, key) DO NOTHING`,
    [incidentId, r.kind, r.key, r.ref, r.url ?? null, json(r.data ?? {}), at],
  );
}
