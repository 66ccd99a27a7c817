import { conditionHolds, type StepCondition } from '../core/chain.ts';
import { formatDuration } from '../core/duration.ts';
import type { TimelineEvent } from '../core/incident.ts';
import { textMessage } from '../core/message.ts';
import type { StepOutcome } from '../core/steps.ts';
import { withTimeout } from '../core/withTimeout.ts';
import { NotConfigured, TransientError } from '../ports.ts';
import type { AppContext } from '../service/context.ts';
import { postStep } from '../service/steps/post.ts';
import type { StepSend } from '../service/steps/define.ts';
import type { StepRegistry } from '../service/steps/registry.ts';
import type { ClaimedStep } from '../store/sql/claimDueSteps.ts';
import { getIncident } from '../store/sql/getIncident.ts';
import { retryStepLater } from '../store/sql/retryStepLater.ts';
import type { StoredIncident } from '../store/rows.ts';
import { retryDelayMs } from './backoff.ts';
import type { FinishQueue } from './finishQueue.ts';
import type { RunnerOptions } from './runnerOptions.ts';

/** What running one step needs from the runner. */
export interface StepDeps {
  ctx: AppContext;
  kinds: StepRegistry;
  opts: RunnerOptions;
  finishes: FinishQueue;
  /** Something may be due now (a retry, a follow-up): the loop looks again. */
  wake: () => void;
}

/**
 * Sends one step; resolves when the send is over, with a promise of its outcome being written.
 * A step claimed ahead is made ready (its incident read, its message rendered) before
 * `untilDue` resolves, so only the send is left at its due time.
 */
export async function runStep(d: StepDeps, step: ClaimedStep, loaded?: StoredIncident, untilDue?: () => Promise<void>): Promise<{ written: Promise<void>; changedIncident?: boolean }> {
  const { ctx, opts } = d;
  let started: Started | undefined;
  const start = async (): Promise<Started> => {
    await untilDue?.();
    const at = ctx.clock.now();
    const lateMs = Math.max(0, at.getTime() - step.dueAt.getTime());
    ctx.metrics.stepLatenessSeconds.observe(lateMs / 1000);
    return { startedAt: at, lateMs };
  };
  let outcome: StepOutcome;
  try {
    const ready = await prepareStep(d, step, loaded);
    started = await start();
    const ms = opts.sendTimeoutMs ?? 60_000;
    outcome = typeof ready === 'function' ? await withTimeout(ready(), ms, () => new TransientError(`${step.kind} took longer than ${formatDuration(ms)}`)) : ready;
  } catch (e) {
    // One that failed before its due time (its channel not open yet …) is handled at that time.
    started ??= await start();
    if (e instanceof NotConfigured) outcome = { status: 'skipped', detail: e.message };
    else if (step.attempts < opts.maxAttempts) {
      const retryAt = new Date(ctx.clock.now().getTime() + retryDelayMs(step.attempts, {
        baseMs: opts.backoffBaseMs, maxMs: opts.backoffMaxMs, retryAfterMs: e instanceof TransientError ? e.retryAfterMs : undefined,
      }));
      ctx.log.warn({ err: e, step: step.stepId, incident: step.incidentId, attempt: step.attempts, retryAt }, 'step failed; will retry');
      await retryStepLater(ctx.db, { id: step.id, worker: opts.worker, error: errorText(e), retryAt });
      ctx.metrics.steps.inc({ kind: step.kind, outcome: 'retry' });
      d.wake();
      return { written: Promise.resolve() };
    } else outcome = { status: 'failed', detail: `${errorText(e)} (after ${step.attempts} tries)` };
  }
  // Wrapped: a returned promise would be awaited here, and the next step would wait for the commit.
  return { written: finish(d, step, outcome, started), changedIncident: outcome.status === 'done' && outcome.changedIncident };
}

interface Started {
  startedAt: Date;
  lateMs: number;
}

/** A step's send made ready, or the outcome it has without sending (skipped, failed). */
async function prepareStep(d: StepDeps, step: ClaimedStep, loaded?: StoredIncident): Promise<StepSend | StepOutcome> {
  const { ctx, opts } = d;
  const incident = loaded ?? (await getIncident(ctx.db, step.incidentId));
  if (!incident) throw new Error(`incident ${step.incidentId} is gone`);
  const kind = d.kinds.get(step.kind);
  const params = kind?.params.safeParse(step.params);
  if (!kind || !params) return { status: 'failed', detail: `unknown step kind "${step.kind}"` };
  if (!params.success) return { status: 'failed', detail: `bad params for a ${step.kind} step: ${params.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}` };
  const withheld = opts.stepGuard?.withholds(ctx, step, incident);
  if (withheld) return { status: 'skipped', detail: withheld };
  if (!conditionHolds(step.params.when as StepCondition | null, incident)) return { status: 'skipped', detail: `condition "${String(step.params.when)}" is false` };
  const runCtx = opts.stepGuard?.context(ctx, step, incident) ?? ctx;
  return kind.prepare(runCtx, { ...step, params: params.data }, incident);
}

/** Writes a step's outcome (group commit) with its timeline entry and follow-ups. */
async function finish(d: StepDeps, step: ClaimedStep, outcome: StepOutcome, t: Started): Promise<void> {
  const { ctx, opts } = d;
  const at = ctx.clock.now();
  const late = t.lateMs > opts.lateAfterMs ? ` (late by ${formatDuration(t.lateMs)})` : '';
  const twice = step.reclaimed && outcome.status === 'done' ? ' — may have been sent twice (drbot stopped mid-send)' : '';
  const event: TimelineEvent = {
    type: 'step', at, actor: 'drbot',
    text: `${step.label}: ${outcome.status === 'done' ? 'sent' : outcome.status} — ${outcome.detail}${late}${twice}`,
    data: { stepId: step.stepId, kind: step.kind, status: outcome.status, dueAt: step.dueAt.toISOString(), startedAt: t.startedAt.toISOString(), lateMs: t.lateMs, attempts: step.attempts, maybeRepeated: step.reclaimed },
  };
  const result = { detail: outcome.detail, ...('result' in outcome ? outcome.result : {}), lateMs: t.lateMs, maybeRepeated: step.reclaimed, worker: opts.worker };
  const plant = outcome.status === 'done' ? [...(outcome.plant ?? [])] : [];
  if (outcome.status === 'failed' && d.kinds.get(step.kind)?.reportFailure !== false) {
    plant.push(postStep(`failed-${step.stepId}-${step.id}`, 'Report a failed step', 'incident',
      textMessage([{ bold: `✗ ${step.label} failed` }, `: ${outcome.detail}. The rest of the chain goes on.`]), at));
  }
  const written = await d.finishes.add({
    row: { id: step.id, worker: opts.worker, status: outcome.status, error: outcome.status === 'done' ? null : outcome.detail, result, sentAt: outcome.status === 'done' ? at : null },
    incidentId: step.incidentId, event, plant, touch: step.source !== 'system',
  });
  if (written) opts.onFinished?.(step.incidentId, event.text);
  // Follow-ups were committed after this pass looked for what is next: look again.
  if (written && plant.length) d.wake();
  if (!written) ctx.log.warn({ step: step.stepId, incident: step.incidentId }, 'lost the lease before finishing; another worker re-ran this step');
  ctx.metrics.steps.inc({ kind: step.kind, outcome: outcome.status });
}


function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0].slice(0, 300) : String(e).slice(0, 300);
}
