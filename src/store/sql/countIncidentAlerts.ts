import type { Queryable } from '../db.ts';

/** How many distinct firings of each alert name an incident holds (an alert storm's tally), most first. */
export async function countIncidentAlerts(q: Queryable, incidentId: number): Promise<{ alertname: string; n: number }[]> {
  return q.query<{ alertname: string; n: number }>(
    'SELECT alertname, count(*)::int AS n FROM alerts WHERE incident_id = $1 GROUP BY alertname ORDER BY n DESC, alertname',
    [incidentId],
  );
}
