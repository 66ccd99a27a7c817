/**
 * The `route53` action (and the restore a rollback runs): preflight (read the record sets, check
 * the target's health), snapshot, ChangeResourceRecordSets, then `runbook_wait` steps poll
 * GetChange until INSYNC or the timeout, and the records are read back to verify.
 * Route 53 refuses a DELETE whose values differ from the live set, so a batch submitted twice
 * applies once and a stale plan fails whole.
 */
import { describeRecords, FailoverRefused, planFailover, planRestore, sameRecordSet } from '../../core/failover.ts';
import { formatDuration } from '../../core/duration.ts';
import type { Action } from '../../core/runbook.ts';
import type { StepOutcome } from '../../core/steps.ts';
import { incidentRef } from '../../core/incident.ts';
import { TransientError, type DnsChange, type DnsRecordSet } from '../../ports.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { getRunAction } from '../../store/sql/getRunAction.ts';
import { setRunActionSubmitted } from '../../store/sql/setRunActionSubmitted.ts';
import { startRunAction } from '../../store/sql/startRunAction.ts';
import type { StoredRun } from '../../store/runRows.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from '../steps/define.ts';
import { finishAction, keyOf, lastTry, type ActionResult } from './finishAction.ts';
import { targetHealthCheck } from './preview.ts';
import { RUNBOOK_STEPS, waitStep, type RunActionKey } from './steps.ts';
import { labelled } from '../simulation.ts';

type DnsAction = Extract<Action, { kind: 'route53' | 'route53_restore' }>;
interface Planned { changes: DnsChange[]; after: DnsRecordSet[] }

const present = (live: DnsRecordSet[], want: DnsRecordSet[]) => want.every((w) => live.some((l) => sameRecordSet(l, w)));

/** Records why the action stopped before anything was submitted (nothing changed). */
async function refuse(ctx: AppContext, run: StoredRun, a: DnsAction, k: RunActionKey, detail: string, snapshot?: DnsRecordSet[]): Promise<StepOutcome> {
  await startRunAction(ctx.db, { ...k, kind: a.kind, label: a.label, at: ctx.clock.now(), snapshot });
  return finishAction(ctx, run, a, k, { ok: false, final: true, detail: `${detail}; nothing was changed` });
}

/** A Route 53 error: retried by the scheduler while it is worth it, else the end of the run. */
function transientOr(ctx: AppContext, step: ClaimedStep, e: unknown): string {
  if (e instanceof TransientError && !lastTry(ctx, step)) throw e;
  return (e as Error).message.slice(0, 300);
}

async function preflight(ctx: AppContext, step: ClaimedStep, a: DnsAction, live: DnsRecordSet[]): Promise<{ planned: Planned; before: DnsRecordSet[] } | string> {
  if (a.kind === 'route53_restore') {
    const changes = planRestore(a.snapshot, live);
    const before = live.filter((l) => changes.some((c) => c.action === 'DELETE' && l.setIdentifier === c.recordSet.setIdentifier && l.type === c.recordSet.type));
    return { planned: { changes, after: a.snapshot }, before };
  }
  let plan;
  try {
    plan = planFailover(live, { from: a.from, to: a.to });
  } catch (e) {
    if (e instanceof FailoverRefused) return e.message;
    throw e;
  }
  if (a.expectBefore && !(plan.before.length === a.expectBefore.length && present(plan.before, a.expectBefore))) {
    return `${a.name} changed since the run was requested (now: ${describeRecords(plan.before).join('; ')}); request it again`;
  }
  const check = targetHealthCheck(a, live);
  if (check) {
    let healthy: boolean;
    try {
      healthy = (await ctx.dns.healthCheckStatus(check)).healthy;
    } catch (e) {
      return `the target's health check ${check} could not be read (${transientOr(ctx, step, e)})`;
    }
    if (!healthy) return `the target "${a.to}" is not healthy (Route 53 health check ${check})`;
  }
  return { planned: { changes: plan.changes, after: plan.after }, before: plan.before };
}

export async function failoverAction(ctx: AppContext, step: ClaimedStep, run: StoredRun, a: DnsAction, k: RunActionKey): Promise<StepOutcome> {
  const earlier = await getRunAction(ctx.db, k);
  // A retried step (drbot stopped, or the lease ran out): what the store says decides.
  if (earlier?.status === 'submitted') {
    if (!earlier.changeId) return verify(ctx, run, a, k, 'the change was already applied (drbot stopped after submitting it)');
    const deadline = new Date(ctx.clock.now().getTime() + a.timeoutMs);
    return { status: 'done', detail: labelled(ctx.dns, `change ${earlier.changeId} was submitted before drbot stopped`), plant: [waitStep(run, k, { changeId: earlier.changeId, deadline, poll: 1, what: a.label }, ctx.clock.now())] };
  }
  if (earlier && earlier.status !== 'started') {
    return finishAction(ctx, run, a, k, { ok: earlier.status === 'done', final: true, unknown: earlier.status === 'unknown', detail: earlier.detail ?? earlier.status });
  }
  let live: DnsRecordSet[];
  try {
    live = await ctx.dns.listRecordSets(a.zone, a.name);
  } catch (e) {
    return refuse(ctx, run, a, k, `could not read ${a.name}: ${transientOr(ctx, step, e)}`);
  }
  let planned: Planned;
  if (earlier) {
    // Started, not known to be submitted: the batch may or may not have reached Route 53. The live records say which.
    planned = earlier.changes as Planned;
    if (present(live, planned.after)) {
      await setRunActionSubmitted(ctx.db, k, null);
      return verify(ctx, run, a, k, 'the change was already applied (drbot stopped after submitting it)');
    }
    if (!present(live, earlier.snapshot as DnsRecordSet[])) return refuse(ctx, run, a, k, `${a.name} changed while drbot was stopped`);
  } else {
    const pre = await preflight(ctx, step, a, live);
    if (typeof pre === 'string') return refuse(ctx, run, a, k, pre, live);
    if (!pre.planned.changes.length) {
      await startRunAction(ctx.db, { ...k, kind: a.kind, label: a.label, at: ctx.clock.now(), snapshot: pre.before, changes: pre.planned });
      return finishAction(ctx, run, a, k, { ok: true, detail: 'the records were already as wanted: nothing to change' });
    }
    const start = await startRunAction(ctx.db, { ...k, kind: a.kind, label: a.label, at: ctx.clock.now(), snapshot: pre.before, changes: pre.planned });
    if (!start.started) throw new TransientError('another worker started this action; looking again shortly', 1000);
    planned = pre.planned;
  }
  let submitted: { changeId: string; status: 'PENDING' | 'INSYNC' };
  try {
    submitted = await ctx.dns.changeRecordSets(a.zone, planned.changes, `drbot ${incidentRef(run.incidentId)} run #${run.id} ${run.runbook}: ${a.label}`);
  } catch (e) {
    // A change batch is atomic: a refused one changed nothing.
    return finishAction(ctx, run, a, k, { ok: false, final: true, detail: `Route 53 refused the change (${transientOr(ctx, step, e)}); nothing was changed` });
  }
  await setRunActionSubmitted(ctx.db, k, submitted.changeId);
  if (submitted.status === 'INSYNC') return verify(ctx, run, a, k, `change ${submitted.changeId} INSYNC at once`);
  const deadline = new Date(ctx.clock.now().getTime() + a.timeoutMs);
  return {
    status: 'done', detail: labelled(ctx.dns, `Route 53 accepted change ${submitted.changeId} (PENDING)`),
    plant: [waitStep(run, k, { changeId: submitted.changeId, deadline, poll: 1, what: a.label }, ctx.clock.now())],
  };
}

/** Reads the records back after INSYNC: every planned set must be there as planned. */
async function verify(ctx: AppContext, run: StoredRun, a: DnsAction, k: RunActionKey, how: string): Promise<StepOutcome> {
  const row = await getRunAction(ctx.db, k);
  const planned = row!.changes as Planned;
  const before = (row!.snapshot as DnsRecordSet[] | null) ?? [];
  let result: ActionResult;
  try {
    const live = await ctx.dns.listRecordSets(a.zone, a.name);
    result = present(live, planned.after)
      ? { ok: true, detail: `${how}; records verified: ${describeRecords(before, planned.after).join('; ')}` }
      : { ok: false, detail: `${how}, but the records are not as planned: ${describeRecords(live).join('; ')}` };
  } catch (e) {
    if (e instanceof TransientError) throw e;
    result = { ok: false, detail: `${how}, but the records could not be read back (${(e as Error).message.slice(0, 200)})` };
  }
  return finishAction(ctx, run, a, k, { ...result, final: !result.ok });
}

/** `runbook_wait`: one GetChange poll; INSYNC → verify, deadline passed → timed out (Roll back offered). */
export const runbookWaitKind = defineStep({
  ...RUNBOOK_STEPS.wait,
  run: async (ctx, step) => {
    const k = keyOf(step);
    const p = step.params;
    const run = await getRun(ctx.db, k.runId);
    if (!run || run.status !== 'running') return { status: 'skipped', detail: `run #${k.runId} is ${run?.status ?? 'gone'}` };
    const a = run.plan[k.phase as 'steps'][k.idx] as DnsAction;
    const row = await getRunAction(ctx.db, k);
    const took = formatDuration(ctx.clock.now().getTime() - (row?.startedAt ?? ctx.clock.now()).getTime());
    let status: 'PENDING' | 'INSYNC';
    try {
      status = await ctx.dns.getChange(p.changeId);
    } catch (e) {
      const why = transientOr(ctx, step, e);
      return finishAction(ctx, run, a, k, { ok: false, final: true, detail: `could not follow change ${p.changeId} (${why}); it may still apply: Roll back restores the records as before` });
    }
    if (status === 'INSYNC') return verify(ctx, run, a, k, `change ${p.changeId} INSYNC after ${took}`);
    const now = ctx.clock.now();
    if (now >= new Date(p.deadline)) {
      return finishAction(ctx, run, a, k, {
        ok: false, final: true, endAs: 'timed_out',
        detail: `change ${p.changeId} was not INSYNC within ${formatDuration(a.timeoutMs)}; it may still apply: Roll back restores the records as before`,
      });
    }
    const next = new Date(Math.min(now.getTime() + a.pollMs, new Date(p.deadline).getTime()));
    return { status: 'done', detail: labelled(ctx.dns, `change ${p.changeId} still PENDING after ${took}`), plant: [waitStep(run, k, { changeId: p.changeId, deadline: new Date(p.deadline), poll: p.poll + 1, what: a.label }, next)] };
  },
});
