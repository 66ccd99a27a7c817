import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';
import { actionKeyParams, type ActionKey, type RunAction } from '../runRows.ts';
import { getRunAction } from './getRunAction.ts';

/**
 * Marks an action started before drbot calls out. Returns the existing row instead when the
 * action was started before (a step retried after a crash or a lost lease).
 */
export async function startRunAction(
  q: Queryable,
  k: ActionKey & { kind: string; label: string; at: Date; snapshot?: unknown; changes?: unknown },
): Promise<{ started: true } | { started: false; earlier: RunAction }> {
  const rows = await q.query(
    `INSERT INTO run_actions (run_id, phase, idx, attempt, kind, label, status, started_at, snapshot, changes)
     VALUES ($1, $2, $3, $4, $5, $6, 'started', $7, $8::jsonb, $9::jsonb) ON CONFLICT DO NOTHING RETURNING run_id`,
    [...actionKeyParams(k), k.kind, k.label, k.at, json(k.snapshot ?? null), json(k.changes ?? null)],
  );
  if (rows.length) return { started: true };
  return { started: false, earlier: (await getRunAction(q, k))! };
}
