/**
 * Approve, Deny and Roll back buttons. The user is the one in the signed payload. Each click is
 * one transaction: the click's request key (a Slack retry or the same click on two replicas),
 * the run's row lock, the unique keys on approvals, the status change and the steps it plants.
 */
import { decideApprove, decideDeny, mayRequestRollback } from '../../core/approval.ts';
import { DomainError } from '../../core/errors.ts';
import { textMessage } from '../../core/message.ts';
import { RunRefused, type Action } from '../../core/runbook.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { DnsRecordSet } from '../../ports.ts';
import type { Queryable } from '../../store/db.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { cancelPendingSteps } from '../../store/sql/cancelPendingSteps.ts';
import { claimRequestKey } from '../../store/sql/claimRequestKey.ts';
import { getRequestReply } from '../../store/sql/getRequestReply.ts';
import { saveRequestReply } from '../../store/sql/saveRequestReply.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { insertRun } from '../../store/sql/insertRun.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import { listApprovals } from '../../store/sql/listApprovals.ts';
import { recordApproval } from '../../store/sql/recordApproval.ts';
import { listRunActions } from '../../store/sql/listRunActions.ts';
import type { StoredRun } from '../../store/runRows.ts';
import { setRunStatus } from '../../store/sql/setRunStatus.ts';
import type { AppContext } from '../context.ts';
import type { ButtonInput, Reply } from '../../inbound.ts';
import { previewPlan } from './preview.ts';
import { expireStep, expireStepId, firstActionStep, messageStep, notifySteps, pageResolveStep } from './steps.ts';
import { appliedDnsChanges, approvalState, canRollBack, redrawStep, when } from './view.ts';

const note = (run: StoredRun, actor: string, at: Date, event: string, text: string, data: Record<string, unknown> = {}) => ({
  type: 'note' as const, at, actor, text, data: { kind: 'runbook', event, run: run.id, runbook: run.runbook, ...data },
});

function notifyOf(ctx: AppContext, run: StoredRun): string[] {
  return ctx.config.runbooks.find((r) => r.name === run.runbook)?.notify ?? ['slack'];
}

/** One click in one transaction; a repeat of the same click gets the first answer. */
async function oneClick(ctx: AppContext, a: ButtonInput, act: (tx: Queryable, now: Date) => Promise<{ reply: Reply; incidentId: number }>): Promise<Reply> {
  const now = ctx.clock.now();
  const reply = await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, a.requestKey, now))) {
      const earlier = await getRequestReply(tx, a.requestKey);
      return (earlier?.reply as Reply | null) ?? { message: textMessage(['Already done (this click was received twice).']) };
    }
    const out = await act(tx, now);
    await saveRequestReply(tx, a.requestKey, out.reply, out.incidentId);
    return out.reply;
  });
  ctx.wake();
  return reply;
}

async function lockedRun(tx: Queryable, id: number): Promise<StoredRun> {
  const run = await getRun(tx, id, true);
  if (!run) throw new DomainError('NOT_FOUND', `There is no run #${id}.`);
  return run;
}

export function approve(ctx: AppContext, a: ButtonInput, id: number): Promise<Reply> {
  return oneClick(ctx, a, async (tx, now) => {
    const run = await lockedRun(tx, id);
    const d = decideApprove(approvalState(run, await listApprovals(tx, id)), a.userId, ctx.config.groups, now);
    if (!(await recordApproval(tx, { runId: id, userId: a.userId, decision: 'approve', group: d.group, at: now, requestKey: a.requestKey }))) {
      throw new DomainError('NO_CHANGE', `You have already decided on run #${id}.`);
    }
    const plant: StepPlan[] = [];
    if (d.complete) {
      await setRunStatus(tx, id, { from: ['awaiting_approval'], to: 'approved', at: now });
      await cancelPendingSteps(tx, run.incidentId, [expireStepId(run)]);
      plant.push(...firstActionStep(run, now), ...pageResolveStep(run, notifyOf(ctx, run), now));
    }
    await plantSteps(tx, run.incidentId, [...plant, await redrawStep(tx, run, now)]);
    const text = `Approved run #${id} ${run.runbook} for ${d.group}${d.complete ? ': all approvals in, running now' : `; waiting for ${d.pending.join(', ')}`}`;
    await appendTimeline(tx, run.incidentId, [note(run, a.userId, now, 'approved', text, { group: d.group, complete: d.complete })]);
    return { reply: { message: textMessage([`${text}.`]) }, incidentId: run.incidentId };
  });
}

export function deny(ctx: AppContext, a: ButtonInput, id: number): Promise<Reply> {
  return oneClick(ctx, a, async (tx, now) => {
    const run = await lockedRun(tx, id);
    decideDeny(approvalState(run, await listApprovals(tx, id)), a.userId, ctx.config.groups, now);
    await recordApproval(tx, { runId: id, userId: a.userId, decision: 'deny', group: null, at: now, requestKey: a.requestKey });
    const by = a.userId === run.requestedBy ? 'withdrawn by the requester' : `denied by ${ctx.name(a.userId)}`;
    await setRunStatus(tx, id, { from: ['awaiting_approval'], to: 'denied', at: now, result: by });
    await cancelPendingSteps(tx, run.incidentId, [expireStepId(run)]);
    await plantSteps(tx, run.incidentId, [...pageResolveStep(run, notifyOf(ctx, run), now), await redrawStep(tx, run, now)]);
    await appendTimeline(tx, run.incidentId, [note(run, a.userId, now, 'denied', `Run #${id} ${run.runbook} ${by}: nothing was run`)]);
    return { reply: { message: textMessage([`Run #${id} (${run.runbook}) is stopped: ${by}. Nothing was run.`]) }, incidentId: run.incidentId };
  });
}

/** The plan that undoes a run: its Route 53 snapshots put back (last change first), then its undo actions. */
function rollbackPlan(parent: StoredRun, applied: { snapshot: unknown; idx: number }[]): Action[] {
  const restores: Action[] = [];
  for (const a of [...applied].reverse()) {
    const original = parent.plan.steps[a.idx];
    if (original?.kind !== 'route53') continue;
    restores.push({
      kind: 'route53_restore', label: `Restore ${original.name} as before run #${parent.id}`, zone: original.zone, name: original.name,
      snapshot: a.snapshot as DnsRecordSet[], timeoutMs: original.timeoutMs, pollMs: original.pollMs, attempts: 1, intervalMs: 0,
    });
  }
  return [...restores, ...parent.plan.undo];
}

/**
 * Roll back: a new run whose plan restores what the run changed, approved like the run itself
 * (same tier and approver groups; the person who clicked is its requester).
 */
export async function rollback(ctx: AppContext, a: ButtonInput, id: number): Promise<Reply> {
  const parent = await getRun(ctx.db, id);
  if (!parent) throw new DomainError('NOT_FOUND', `There is no run #${id}.`);
  mayRequestRollback(approvalState(parent, []), a.userId, ctx.config.groups);
  const actions = await listRunActions(ctx.db, id);
  if (!canRollBack(parent, actions)) throw new RunRefused('NO_CHANGE', `Run #${id} (${parent.runbook}) has nothing to roll back (it is ${parent.status.replace('_', ' ')}).`);
  const steps = rollbackPlan(parent, appliedDnsChanges(actions));
  const { plan, preview } = await previewPlan(ctx.dns, { pre: [], steps, verify: [], undo: [] });
  const rb = ctx.config.runbooks.find((r) => r.name === parent.runbook);
  const expiresMs = rb?.expiresMs ?? 1_800_000;
  return oneClick(ctx, a, async (tx, now) => {
    const locked = await lockedRun(tx, id);
    const status = parent.tier === 'T2' ? 'awaiting_approval' : 'approved';
    const run = await insertRun(tx, {
      incidentId: parent.incidentId, runbook: parent.runbook, tier: parent.tier, rollbackOf: id, params: parent.params, plan, preview,
      dryRun: false, quorum: null, overrideReason: null, approverGroups: parent.approverGroups, requestedBy: a.userId, requestedVia: 'slack',
      requestedAt: now, expiresAt: status === 'awaiting_approval' ? new Date(now.getTime() + expiresMs) : null, status,
    });
    if (!run) throw new RunRefused('DUPLICATE', `A rollback of run #${id} was already requested.`);
    const plant: StepPlan[] = [messageStep(run, run.version, now, true), await redrawStep(tx, locked, now)];
    if (status === 'approved') plant.unshift(...firstActionStep(run, now));
    else plant.push(expireStep(run, run.expiresAt!), ...notifySteps(run, notifyOf(ctx, run), now));
    await plantSteps(tx, run.incidentId, plant);
    const text = `Rollback of run #${id} ${parent.runbook} requested as run #${run.id}`;
    await appendTimeline(tx, run.incidentId, [note(run, a.userId, now, 'rollback_requested', text, { rollbackOf: id, preview })]);
    const wait = status === 'awaiting_approval' ? `: waiting for ${run.approverGroups.join(' + ')} to approve by ${when(ctx)(run.expiresAt!)}` : ': running now';
    return { reply: { message: textMessage([`${text}${wait}.`]) }, incidentId: run.incidentId };
  });
}
