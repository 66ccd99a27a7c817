import type { Step } from '../../core/steps.ts';
import type { Queryable } from '../db.ts';
import { toIncident, toStep, type IncidentRow, type StepRow, type StoredIncident } from '../rows.ts';

export interface IncidentWithSteps {
  incident: StoredIncident;
  steps: Step[];
}

/** An incident and its schedule in one round trip (what `/dr status` shows). */
export async function getIncidentWithSteps(q: Queryable, by: { id: number } | { channelId: string }): Promise<IncidentWithSteps | undefined> {
  const where = 'id' in by ? 'i.id = $1' : 'i.channel_id = $1';
  const [row] = await q.query<{ incident: IncidentRow; steps: StepRow[] }>(
    `SELECT row_to_json(i) AS incident,
            COALESCE((SELECT json_agg(s ORDER BY s.due_at, s.id) FROM steps s WHERE s.incident_id = i.id), '[]'::json) AS steps
       FROM incidents i WHERE ${where}`,
    ['id' in by ? by.id : by.channelId],
  );
  return row && { incident: toIncident(row.incident), steps: row.steps.map(toStep) };
}
