import { declare, type DeclareInput } from '../../src/core/incident.ts';
import type { Queryable } from '../../src/store/db.ts';
import type { StoredIncident } from '../../src/store/rows.ts';
import { declareIncidentOnce } from '../../src/store/sql/declareIncidents.ts';

let seq = 0;

/** An incident stored the way `/dr declare` stores it (no steps), for store-level tests and benchmarks. */
export async function declaredIncident(q: Queryable, input: DeclareInput): Promise<StoredIncident> {
  const { incident, event } = declare(input);
  const out = await declareIncidentOnce(q, { requestKey: `fixture-${process.pid}-${++seq}`, incident, event, steps: [], duplicateSince: new Date(input.at.getTime() + 1) }); // never a duplicate
  if (out.kind !== 'declared') throw new Error(`fixture incident "${input.title}" was not declared (${out.kind})`);
  return out.incident;
}
