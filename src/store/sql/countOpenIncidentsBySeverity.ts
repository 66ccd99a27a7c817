import type { Queryable } from '../db.ts';

/** How many real incidents are open, per severity (every severity ever used, open or not, has a row); drills never count. */
export async function countOpenIncidentsBySeverity(q: Queryable): Promise<{ severity: number; open: number }[]> {
  return q.query(
    `SELECT severity, count(*) FILTER (WHERE status IN ('investigating', 'identified', 'monitoring') AND mode = 'real')::int AS open
       FROM incidents GROUP BY severity ORDER BY severity`,
  );
}
