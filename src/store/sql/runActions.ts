import type { Queryable } from '../db.ts';
import { json } from '../rows.ts';
import { toRunAction, type RunAction, type RunActionRow } from './runRows.ts';

export interface ActionKey {
  runId: number;
  phase: string;
  idx: number;
  attempt: number;
}

const KEY = 'run_id = $1 AND phase = $2 AND idx = $3 AND attempt = $4';
const keyOf = (k: ActionKey) => [k.runId, k.phase, k.idx, k.attempt];

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
    [...keyOf(k), k.kind, k.label, k.at, json(k.snapshot ?? null), json(k.changes ?? null)],
  );
  if (rows.length) return { started: true };
  return { started: false, earlier: (await getRunAction(q, k))! };
}

export async function getRunAction(q: Queryable, k: ActionKey): Promise<RunAction | undefined> {
  const [row] = await q.query<RunActionRow>(`SELECT * FROM run_actions WHERE ${KEY}`, keyOf(k));
  return row && toRunAction(row);
}

/** Route 53 accepted the batch: its change id, for the INSYNC wait. */
export async function setRunActionSubmitted(q: Queryable, k: ActionKey, changeId: string | null): Promise<void> {
  await q.query(`UPDATE run_actions SET status = 'submitted', change_id = $5 WHERE ${KEY}`, [...keyOf(k), changeId]);
}

export async function finishRunAction(
  q: Queryable,
  k: ActionKey & { status: 'done' | 'failed' | 'unknown'; at: Date; output?: string; detail: string },
): Promise<void> {
  await q.query(
    `UPDATE run_actions SET status = $5, finished_at = $6, output = $7, detail = $8 WHERE ${KEY}`,
    [...keyOf(k), k.status, k.at, k.output ?? null, k.detail],
  );
}

export async function listRunActions(q: Queryable, runId: number): Promise<RunAction[]> {
  const rows = await q.query<RunActionRow>('SELECT * FROM run_actions WHERE run_id = $1 ORDER BY started_at, phase, idx, attempt', [runId]);
  return rows.map(toRunAction);
}
