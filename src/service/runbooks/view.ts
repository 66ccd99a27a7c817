import type { ApprovalState } from '../../core/approval.ts';
import type { Queryable } from '../../store/db.ts';
import { getRollbackOf } from '../../store/sql/getRollbackOf.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { listApprovals } from '../../store/sql/listApprovals.ts';
import { listRunActions } from '../../store/sql/listRunActions.ts';
import type { RunAction, StoredRun } from '../../store/runRows.ts';
import { bumpRunVersion } from '../../store/sql/bumpRunVersion.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { AppContext } from '../context.ts';
import { messageStep } from './steps.ts';
import type { MessageContext, RunView } from './message.ts';
import { formatTime } from '../../core/time.ts';

export function when(ctx: AppContext): (d: Date) => string {
  const s = ctx.config.settings;
  return (d) => formatTime(d, s.timeZone, s.timeZoneLabel);
}

export function messageContext(ctx: AppContext): MessageContext {
  const slackGroups = Object.fromEntries(Object.entries(ctx.config.contacts.groups).map(([g, def]) => [g, def.slack_group]));
  const paramOrder = (name: string) => ctx.config.runbooks.find((r) => r.name === name)?.parameters.map((p) => p.name) ?? [];
  return { members: ctx.config.groups, slackGroups, when: when(ctx), now: ctx.clock.now(), paramOrder };
}

/** Route 53 changes a run made (submitted, or found applied after a crash): what a rollback restores. */
export function appliedDnsChanges(actions: RunAction[]): RunAction[] {
  return actions.filter((a) => a.phase === 'steps' && a.kind === 'route53' && a.snapshot && (a.changeId !== null || a.status === 'done'));
}

/** A finished run that changed something offers a Roll back (a rollback itself does not). */
export function canRollBack(run: StoredRun, actions: RunAction[]): boolean {
  if (run.rollbackOf !== null || !['succeeded', 'failed', 'timed_out'].includes(run.status)) return false;
  const ranSteps = actions.some((a) => a.phase === 'steps');
  return appliedDnsChanges(actions).length > 0 || (run.plan.undo.length > 0 && ranSteps);
}

export async function loadView(q: Queryable, runId: number): Promise<RunView | undefined> {
  const run = await getRun(q, runId);
  if (!run) return undefined;
  const [approvals, actions, rollback] = [await listApprovals(q, runId), await listRunActions(q, runId), await getRollbackOf(q, runId)];
  return { run, approvals, actions, rollback, canRollBack: canRollBack(run, actions) };
}

export function approvalState(run: StoredRun, approvals: ApprovalState['approvals']): ApprovalState {
  return { id: run.id, runbook: run.runbook, requestedBy: run.requestedBy, status: run.status, groups: run.approverGroups, expiresAt: run.expiresAt, approvals };
}

/** Marks the run changed and plans the redraw of its message at the new version. */
export async function redrawStep(q: Queryable, run: Pick<StoredRun, 'id' | 'runbook'>, at: Date): Promise<StepPlan> {
  return messageStep(run, await bumpRunVersion(q, run.id), at);
}
