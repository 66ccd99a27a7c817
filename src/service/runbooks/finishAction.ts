/**
 * How an action's result ends its step: the next action, a retry after its interval, or the end
 * of the run. Shared by the simple actions (execute.ts) and Route 53 (route53.ts).
 */
import type { Phase } from '../../core/runbook.ts';
import type { StepOutcome } from '../../core/steps.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import type { ActionKey, StoredRun } from '../../store/runRows.ts';
import { finishRunAction } from '../../store/sql/finishRunAction.ts';
import { setRunStatus } from '../../store/sql/setRunStatus.ts';
import type { Action } from '../../core/runbook.ts';
import type { AppContext } from '../context.ts';
import { actionStep, nextAction, type RunActionKey } from './steps.ts';
import { redrawStep } from './view.ts';
import { labelled } from '../simulation.ts';

/** The run action a step works on (its own params may carry more). */
export function keyOf(step: { params: ActionKey & { phase: Phase } }): ActionKey & { phase: Phase } {
  const { runId, phase, idx, attempt } = step.params;
  return { runId, phase, idx, attempt };
}

/** The runner gives up after this many tries: the last one must end the run, not leave it running. */
export function lastTry(ctx: AppContext, step: { attempts: number }): boolean {
  return step.attempts >= (ctx.config.settings.scheduler?.maxAttempts ?? 5);
}

export interface ActionResult {
  ok: boolean;
  detail: string;
  output?: string;
  /** The run ends now whatever the attempts left (nothing sensible to retry). */
  final?: boolean;
  /** Nobody knows whether it took effect (drbot stopped while a command ran). */
  unknown?: boolean;
  /** Status of a run that ends here (default failed). */
  endAs?: 'failed' | 'timed_out';
}

/**
 * Records an action's result and decides what follows: the next action, a retry of a check
 * after its interval, or the end of the run. The run's status and the next steps are written
 * together; the runner then writes this step's done mark.
 */
export async function finishAction(ctx: AppContext, run: StoredRun, a: Action, k: RunActionKey, result: ActionResult): Promise<StepOutcome> {
  const now = ctx.clock.now();
  // Route 53 results say when they came from the built-in simulation.
  const r = a.kind === 'route53' || a.kind === 'route53_restore' || a.kind === 'health_check' ? { ...result, detail: labelled(ctx.dns, result.detail) } : result;
  await finishRunAction(ctx.db, { ...k, status: r.ok ? 'done' : r.unknown ? 'unknown' : 'failed', at: now, output: r.output, detail: r.detail });
  const summary = `${a.label}: ${r.detail}`;
  if (r.ok) {
    const next = nextAction(run.plan, k.phase as Phase, k.idx);
    if (next) {
      await plantSteps(ctx.db, run.incidentId, [await redrawStep(ctx.db, run, now)]);
      return { status: 'done', detail: summary, plant: [actionStep(run, { runId: run.id, ...next, attempt: 1 }, run.plan[next.phase][next.idx].label, now)] };
    }
    const n = countActions(run);
    const execs = [...run.plan.pre, ...run.plan.steps, ...run.plan.verify].filter((x) => x.kind === 'exec').length;
    const dry = execs && !ctx.config.settings.recovery.exec ? ` — but ${execs} exec action(s) only showed what they would run (exec is off in drbot.yml recovery.exec)` : '';
    await endRun(ctx, run, 'succeeded', `${n === 1 ? 'the action is' : `all ${n} actions are`} done${run.plan.verify.length ? ' and verified' : ''}${dry}`);
    return { status: 'done', detail: `${summary} — run #${run.id} succeeded` };
  }
  if (!r.final && k.attempt < a.attempts) {
    const again = actionStep(run, { ...k, attempt: k.attempt + 1 }, a.label, new Date(now.getTime() + a.intervalMs));
    await plantSteps(ctx.db, run.incidentId, [await redrawStep(ctx.db, run, now)]);
    return { status: 'done', detail: `${summary} — try ${k.attempt + 1} of ${a.attempts} in ${Math.round(a.intervalMs / 1000)}s`, plant: [again] };
  }
  const where = k.phase === 'pre' ? 'precondition not met, nothing was changed' : k.phase === 'verify' ? 'verification failed' : 'action failed';
  await endRun(ctx, run, r.endAs ?? 'failed', `${where} — ${summary}`);
  return { status: 'failed', detail: `${where}: ${r.detail}` };
}

function countActions(run: StoredRun): number {
  return run.plan.pre.length + run.plan.steps.length + run.plan.verify.length;
}

/** Ends a running run, with its timeline entry and a redraw of its message (Roll back offered there). */
export async function endRun(ctx: AppContext, run: StoredRun, status: 'succeeded' | 'failed' | 'timed_out', result: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    if (!(await setRunStatus(tx, run.id, { from: ['running', 'approved'], to: status, at: now, result }))) return;
    const fresh = (await getRun(tx, run.id))!;
    const took = fresh.startedAt ? ` in ${Math.round((now.getTime() - fresh.startedAt.getTime()) / 1000)}s` : '';
    await appendTimeline(tx, run.incidentId, [{
      type: 'note', at: now, actor: 'drbot', text: `Run #${run.id} ${run.runbook}${run.rollbackOf ? ` (rollback of run #${run.rollbackOf})` : ''} ${status.replace('_', ' ')}${took}: ${result}`,
      data: { kind: 'runbook', event: status, run: run.id, runbook: run.runbook, result, durationMs: fresh.startedAt ? now.getTime() - fresh.startedAt.getTime() : null },
    }]);
    await plantSteps(tx, run.incidentId, [await redrawStep(tx, run, now)]);
  });
  ctx.log.info({ run: run.id, runbook: run.runbook, status, result }, 'recovery run finished');
}
