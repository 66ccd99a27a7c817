import type { HealthQuorum } from '../core/failover.ts';
import type { PreviewItem, RunPlan, RunStatus, Tier } from '../core/runbook.ts';

/** A recovery run as stored (runs table). */
export interface StoredRun {
  id: number;
  incidentId: number;
  runbook: string;
  tier: Tier;
  /** Set on a rollback run: the run it undoes. */
  rollbackOf: number | null;
  params: Record<string, string>;
  plan: RunPlan;
  preview: PreviewItem[];
  dryRun: boolean;
  quorum: HealthQuorum | null;
  overrideReason: string | null;
  approverGroups: string[];
  requestedBy: string;
  /** `slack` (a person typed /dr run or pressed Roll back) or `alert:<alertname>`. */
  requestedVia: string;
  requestedAt: Date;
  expiresAt: Date | null;
  status: RunStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: string | null;
  messageChannel: string | null;
  messageTs: string | null;
  version: number;
}

export type NewRun = Omit<StoredRun, 'id' | 'startedAt' | 'finishedAt' | 'result' | 'messageChannel' | 'messageTs' | 'version'>;

export interface RunRow {
  id: number; incident_id: number; runbook: string; tier: string; rollback_of: number | null; params: Record<string, string>;
  plan: RunPlan; preview: PreviewItem[]; dry_run: boolean; quorum: HealthQuorum | null; override_reason: string | null;
  approver_groups: string[]; requested_by: string; requested_via: string; requested_at: Date; expires_at: Date | null;
  status: string; started_at: Date | null; finished_at: Date | null; result: string | null; message_channel: string | null;
  message_ts: string | null; version: number;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function toRun(r: RunRow): StoredRun {
  return {
    id: r.id, incidentId: r.incident_id, runbook: r.runbook, tier: r.tier as Tier, rollbackOf: r.rollback_of, params: r.params,
    plan: r.plan, preview: r.preview, dryRun: r.dry_run, quorum: r.quorum, overrideReason: r.override_reason,
    approverGroups: r.approver_groups, requestedBy: r.requested_by, requestedVia: r.requested_via,
    requestedAt: date(r.requested_at)!, expiresAt: date(r.expires_at), status: r.status as RunStatus,
    startedAt: date(r.started_at), finishedAt: date(r.finished_at), result: r.result,
    messageChannel: r.message_channel, messageTs: r.message_ts, version: r.version,
  };
}

/** One executed action (run_actions table). */
export interface RunAction {
  runId: number;
  phase: string;
  idx: number;
  attempt: number;
  kind: string;
  label: string;
  /** `started` (the call may be in flight), `submitted` (Route 53 accepted the batch), `done`, `failed`, `unknown`. */
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  snapshot: unknown;
  changes: unknown;
  changeId: string | null;
  output: string | null;
  detail: string | null;
}

export interface RunActionRow {
  run_id: number; phase: string; idx: number; attempt: number; kind: string; label: string; status: string; started_at: Date;
  finished_at: Date | null; snapshot: unknown; changes: unknown; change_id: string | null; output: string | null; detail: string | null;
}

export function toRunAction(r: RunActionRow): RunAction {
  return {
    runId: r.run_id, phase: r.phase, idx: r.idx, attempt: r.attempt, kind: r.kind, label: r.label, status: r.status,
    startedAt: date(r.started_at)!, finishedAt: date(r.finished_at), snapshot: r.snapshot, changes: r.changes,
    changeId: r.change_id, output: r.output, detail: r.detail,
  };
}

/** A run action's key: which run, phase, action and attempt. */
export interface ActionKey {
  runId: number;
  phase: string;
  idx: number;
  attempt: number;
}

/** The WHERE clause for one run action, with `actionKeyParams(k)` as $1…$4. */
export const ACTION_KEY_WHERE = 'run_id = $1 AND phase = $2 AND idx = $3 AND attempt = $4';
export const actionKeyParams = (k: ActionKey) => [k.runId, k.phase, k.idx, k.attempt];
