import { vi } from 'vitest';
import type { Queryable } from '../../src/store/db.ts';

/**
 * Waits until the store holds no pending step due by `at` (default: now), for one incident or
 * all: every step the system owed by then has reached an outcome (done, failed or skipped).
 * A step being sent is still `pending` (claimed under a lease) until its outcome is written, so
 * this also waits for sends in flight. A "nothing more happens" check made after it looks at the
 * settled state instead of whatever a fixed sleep happened to catch.
 */
export async function stepsSettled(db: Queryable, o: { at?: Date; incidentId?: number; timeoutMs?: number } = {}): Promise<void> {
  const at = o.at ?? new Date();
  const params: unknown[] = [at.toISOString()];
  if (o.incidentId !== undefined) params.push(o.incidentId);
  const sql = `SELECT step_id FROM steps WHERE status = 'pending' AND due_at <= $1${o.incidentId !== undefined ? ' AND incident_id = $2' : ''} ORDER BY due_at, id`;
  await vi.waitFor(async () => {
    const pending = await db.query<{ step_id: string }>(sql, params);
    if (pending.length) throw new Error(`steps due by ${at.toISOString()} still pending: ${pending.map((p) => p.step_id).join(', ')}`);
  }, { timeout: o.timeoutMs ?? 10_000, interval: 25 });
}
