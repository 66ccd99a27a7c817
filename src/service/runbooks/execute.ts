/**
 * Executing a run, one durable step per action. Each action is marked started in the store
 * before drbot calls out; a step that finds its action already started (drbot stopped, or the
 * lease ran out) never runs an `exec` command again, repeats an `http` call only with the same
 * idempotency key, and re-reads Route 53 instead of guessing.
 */
import { clip, redact, type Action, type Phase } from '../../core/runbook.ts';
import { NotConfigured, TransientError } from '../../ports.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import { startRunAction } from '../../store/sql/startRunAction.ts';
import type { StoredRun } from '../../store/runRows.ts';
import { setRunStatus } from '../../store/sql/setRunStatus.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from '../steps/define.ts';
import { failoverAction } from './route53.ts';
import { finishAction, keyOf, lastTry, type ActionResult } from './finishAction.ts';
import { RUNBOOK_STEPS, type RunActionKey } from './steps.ts';
import { redrawStep } from './view.ts';
import { rehearsedDetail } from '../drills/runbooks.ts';

const OUTPUT_MAX = 2000;

/** `runbook_action`: one action of an approved run. */
export const runbookActionKind = defineStep({
  ...RUNBOOK_STEPS.action,
  run: async (ctx, step) => {
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
    if (run.plan.rehearsal) {
      await startRunAction(ctx.db, { ...k, kind: action.kind, label: action.label, at: now });
      return finishAction(ctx, run, action, k, { ok: true, detail: rehearsedDetail(action) });
    }
    if (action.kind === 'route53' || action.kind === 'route53_restore') return failoverAction(ctx, step, run, action, k);
    return finishAction(ctx, run, action, k, await simpleAction(ctx, step, run, action, k));
  },
});

/** http, exec and health_check actions. */
async function simpleAction(ctx: AppContext, step: ClaimedStep, run: StoredRun, a: Action, k: RunActionKey): Promise<ActionResult> {
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

async function call(ctx: AppContext, run: StoredRun, a: Action, k: RunActionKey): Promise<ActionResult> {
  switch (a.kind) {
    case 'exec': {
      // Off unless the operator turned it on: a try-it drbot never runs the host's kubectl.
      if (!ctx.config.settings.recovery.exec) {
        return { ok: true, detail: `not run (exec is off in drbot.yml recovery.exec): would have run ${a.argv.map(shellWord).join(' ')}` };
      }
      const r = await ctx.actions.exec(a.argv, { timeoutMs: a.timeoutMs });
      const output = clip(redact([r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n')), OUTPUT_MAX);
      if (r.timedOut) return { ok: false, detail: `no exit within ${Math.round(a.timeoutMs / 1000)}s (stopped)`, output };
      // A failure says why in its one line too (the first line of what the program printed last).
      const why = r.code === 0 ? '' : clip(redact((r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean).at(-1) ?? ''), 200);
      return { ok: r.code === 0, detail: `exit ${r.code ?? 'signal'}${why ? `: ${why}` : ''}`, output };
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

/** An argument as a person would type it (shown only, never run through a shell). */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** `expect: failure` turns the outcome round (e.g. "the Lagos primary must not answer"). */
function expectation(a: Action, r: ActionResult): ActionResult {
  if ((a.kind !== 'exec' && a.kind !== 'http') || a.expect !== 'failure' || r.detail.startsWith('not run ')) return r;
  return { ...r, ok: !r.ok, detail: `${r.detail} (expected to fail: ${r.ok ? 'it did not' : 'it did'})` };
}

