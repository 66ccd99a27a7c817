import type { Queryable } from '../db.ts';

/**
 * Serialises requests of one runbook until the transaction ends, so two replicas cannot both
 * pass the cooldown check (a transaction-scoped advisory lock keyed by the runbook name).
 */
export async function lockRunbook(q: Queryable, runbook: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('drbot.runbook:' || $1))`, [runbook]);
}
