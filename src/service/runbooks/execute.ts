/**
 * Executing a run, one durable step per action. Each action is marked started in the store
 * before drbot calls out; a step that finds its action already started (drbot stopped, or the
 * lease ran out) never runs an `exec` command again, repeats an `http` call only with the same
 * idempotency key, and re-reads Route 53 instead of guessing.
 */
import { clip, redact, type Action, type Phase } from '../../core/runbook.ts';
import type { StepOutcome } from '../../core/steps.ts';
import { NotConfigured, TransientError } from '../../ports.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import { finishRunAction } from '../../store/sql/finishRunAction.ts';
import { startRunAction } from '../../store/sql/startRunAction.ts';
import type { ActionKey, StoredRun } from '../../store/runRows.ts';
import { setRunStatus } from '../../store/sql/setRunStatus.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { AppContext } from '../context.ts';
import type { StepHandler } from '../steps/types.ts';
import { failoverAction } from './route53.ts';
import { actionStep, nextAction } from './steps.ts';
import { redrawStep } from './view.ts';

const OUTPUT_MAX = 2000;

export function keyOf(step: ClaimedStep): ActionKey {
  const p = step.params as { runId: number; phase: string; idx: number; attempt: number };
  return { runId: p.runId, phase: p.phase, idx: p.idx, attempt: p.attempt };
}

/** The runner gives up after this many tries: the last one must end the run, not leave it running. */
export function lastTry(ctx: AppContext, step: ClaimedStep): boolean {
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

/** `runbook.action`: one action of an approved run. */
export const actionHandler: StepHandler = async (ctx, step) => {
  const k = keyOf(step);
  const run = await getRun(ctx.db, k.runId);
  if (!run) return { status: 'failed', detail: `run #${k.runId} is gone` };
  if (run.status !== 'approved' && run.status !== 'running') return { status: 'skipped', detail: `run #${run.id} is ${run.status.replace('_', ' ')}` };
  const action = run.plan[k.phase as Phase]?.[k.idx];
  if (!action) return { status: 'failed', detail: `run #${run.id} has no action ${k.phase}[${k.idx}]` };
  const now = ctx.clock.now();
  if (run.status === 'approved' && (await setRunStatus(ctx.db, run.id, { from: ['approved'], to: 'running', at: now }))) {
    await plantSteps(ctx.db, run.incidentId, [await redrawStep(ctx.db, run, now)]);
  }
  if (action.kind === 'route53' || action.kind === 'route53_restore') return failoverAction(ctx, step, run, action, k);
  return finishAction(ctx, run, action, k, await simpleAction(ctx, step, run, action, k));
};

/** http, exec and health_check actions. */
async function simpleAction(ctx: AppContext, step: ClaimedStep, run: StoredRun, a: Action, k: ActionKey): Promise<ActionResult> {
  const start = await startRunAction(ctx.db, { ...k, kind: a.kind, label: a.label, at: ctx.clock.now() });
  if (!start.started) {
    const earlier = start.earlier;
    if (earlier.status === 'done' || earlier.status === 'failed' || earlier.status === 'unknown') {
      const unknown = earlier.status === 'unknown';
      return { ok: earlier.status === 'done', detail: earlier.detail ?? earlier.status, output: earlier.output ?? undefined, final: unknown, unknown };
    }
    if (a.kind === 'exec') {
      return { ok: false, final: true, unknown: true, detail: 'drbot stopped while this command was running, so it is not run a second time: check its effect by hand' };
    }
  }
  try {
    return expectation(a, await call(ctx, run, a, k));
  } catch (e) {
    if (e instanceof TransientError && !lastTry(ctx, step)) throw e; // the scheduler retries; the row says it started
    if (e instanceof NotConfigured) return { ok: false, final: true, detail: e.message };
    const failed = { ok: false, detail: redact((e as Error).message.slice(0, 500)) };
    // A program that could not be started proves nothing, even where failure is expected.
    return a.kind === 'exec' ? failed : expectation(a, failed);
  }
}

async function call(ctx: AppContext, run: StoredRun, a: Action, k: ActionKey): Promise<ActionResult> {
  switch (a.kind) {
    case 'exec': {
      const r = await ctx.actions.exec(a.argv, { timeoutMs: a.timeoutMs });
      const output = clip(redact([r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n')), OUTPUT_MAX);
      if (r.timedOut) return { ok: false, detail: `no exit within ${Math.round(a.timeoutMs / 1000)}s (stopped)`, output };
      return { ok: r.code === 0, detail: `exit ${r.code ?? 'signal'}`, output };
    }
    case 'http': {
      const r = await ctx.actions.http({
        url: a.url, method: a.method, body: { ...(a.body && typeof a.body === 'object' ? a.body : { value: a.body }), drbot: { run: run.id, incident: run.incidentId, runbook: run.runbook } },
        idempotencyKey: `drbot-run-${run.id}-${k.phase}-${k.idx}-${k.attempt}`, timeoutMs: a.timeoutMs,
      });
      return { ok: true, detail: `answered ${r.status}`, output: clip(redact(r.body), OUTPUT_MAX) };
    }
    case 'health_check': {
      const s = await ctx.dns.healthCheckStatus(a.id);
      const failing = s.observations.filter((o) => !o.status.startsWith('Success')).map((o) => o.region);
      return { ok: s.healthy === (a.expect === 'healthy'), detail: s.healthy ? 'healthy' : `unhealthy${failing.length ? ` (failing in ${failing.join(', ')})` : ''}` };
    }
    default:
      throw new Error(`${a.kind} is not a simple action`);
  }
}

/** `expect: failure` turns the outcome round (e.g. "the Lagos primary must not answer"). */
function expectation(a: Action, r: ActionResult): ActionResult {
  if ((a.kind !== 'exec' && a.kind !== 'http') || a.expect !== 'failure') return r;
  return { ...r, ok: !r.ok, detail: `${r.detail} (expected to fail: ${r.ok ? 'it did not' : 'it did'})` };
}

/**
 * Records an action's result and decides what follows: the next action, a retry of a check
 * after its interval, or the end of the run. The run's status and the next steps are written
 * together; the runner then writes this step's done mark.
 */
export async function finishAction(ctx: AppContext, run: StoredRun, a: Action, k: ActionKey, r: ActionResult): Promise<StepOutcome> {
  const now = ctx.clock.now();
  await finishRunAction(ctx.db, { ...k, status: r.ok ? 'done' : r.unknown ? 'unknown' : 'failed', at: now, output: r.output, detail: r.detail });
  const summary = `${a.label}: ${r.detail}`;
  if (r.ok) {
    const next = nextAction(run.plan, k.phase as Phase, k.idx);
    if (next) {
      await plantSteps(ctx.db, run.incidentId, [await redrawStep(ctx.db, run, now)]);
      return { status: 'done', detail: summary, plant: [actionStep(run, { runId: run.id, ...next, attempt: 1 }, run.plan[next.phase][next.idx].label, now)] };
    }
    const n = countActions(run);
    await endRun(ctx, run, 'succeeded', `${n === 1 ? 'the action is' : `all ${n} actions are`} done${run.plan.verify.length ? ' and verified' : ''}`);
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
