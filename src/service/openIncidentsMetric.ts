import { SEVERITIES, severityLabel } from '../core/severity.ts';
import type { Metrics } from '../ports.ts';
import type { Queryable } from '../store/db.ts';
import { countOpenIncidentsBySeverity } from '../store/sql/countOpenIncidentsBySeverity.ts';

/**
 * Refills the open-incidents gauge from the store, just before the metrics are read (the store is
 * the truth, shared by every replica). A store that does not answer counts as an error and
 * leaves the gauge as it was.
 */
export async function recordOpenIncidents(o: { db: Queryable; metrics: Metrics }): Promise<void> {
  try {
    const counts = await countOpenIncidentsBySeverity(o.db);
    o.metrics.openIncidents.reset();
    for (const s of SEVERITIES) o.metrics.openIncidents.set({ severity: severityLabel(s) }, counts.find((c) => c.severity === s)?.open ?? 0);
  } catch {
    o.metrics.errors.inc({ where: 'metrics_store' });
  }
}
