/**
 * The durable steps a recovery run is made of. Each step id is unique within the incident, so
 * planting the same step twice (a retried click, two replicas) schedules it once.
 */
import { z } from 'zod';
import { PHASES, type Phase, type RunPlan } from '../../core/runbook.ts';
import type { StepPlan } from '../../core/steps.ts';
import { planner, type StepShape } from '../steps/define.ts';
import type { ActionKey, StoredRun } from '../../store/runRows.ts';

const runId = z.number().int().positive();
const actionKey = z.object({ runId, phase: z.enum(PHASES), idx: z.number().int().min(0), attempt: z.number().int().positive() });

/** The step kinds of a recovery run: names and params (the handlers live beside what they do). */
export const RUNBOOK_STEPS = {
  message: { kind: 'runbook_message', params: z.object({ runId, first: z.boolean() }) },
  action: { kind: 'runbook_action', params: actionKey },
  wait: { kind: 'runbook_wait', params: actionKey.extend({ changeId: z.string(), deadline: z.iso.datetime(), poll: z.number().int().positive() }) },
  expire: { kind: 'runbook_expire', params: z.object({ runId }) },
  page: { kind: 'runbook_page', params: z.object({ runId, group: z.string() }) },
  pageResolve: { kind: 'runbook_page_resolve', params: z.object({ runId, groups: z.array(z.string()) }) },
  email: { kind: 'runbook_email', params: z.object({ runId }) },
} as const satisfies Record<string, StepShape<z.ZodType>>;

const plan = {
  message: planner(RUNBOOK_STEPS.message),
  action: planner(RUNBOOK_STEPS.action),
  wait: planner(RUNBOOK_STEPS.wait),
  expire: planner(RUNBOOK_STEPS.expire),
  page: planner(RUNBOOK_STEPS.page),
  pageResolve: planner(RUNBOOK_STEPS.pageResolve),
  email: planner(RUNBOOK_STEPS.email),
};

// `system`: the runner does not redraw the incident card for these (the run has its own message).
const SOURCE = 'system';

type RunRef = Pick<StoredRun, 'id' | 'runbook'>;
/** A run action's key with its phase typed. */
export type RunActionKey = ActionKey & { phase: Phase };
const label = (run: RunRef, what: string) => `Run #${run.id} ${run.runbook}: ${what}`;

/** Posts (first) or redraws the run's message with its state at `version`. */
export function messageStep(run: RunRef, version: number, at: Date, first = false): StepPlan {
  return plan.message({ stepId: `run${run.id}-msg-v${version}`, source: SOURCE, label: label(run, first ? 'post the request' : 'update the message'), dueAt: at, params: { runId: run.id, first } });
}

export function actionStep(run: RunRef, k: RunActionKey, what: string, at: Date): StepPlan {
  return plan.action({
    stepId: `run${run.id}-${k.phase}-${k.idx}-a${k.attempt}`, source: SOURCE, label: label(run, what), dueAt: at,
    params: { runId: run.id, phase: k.phase, idx: k.idx, attempt: k.attempt },
  });
}

/** Polls GetChange once; plants the next poll until INSYNC or the deadline. */
export function waitStep(run: RunRef, k: RunActionKey, o: { changeId: string; deadline: Date; poll: number; what: string }, at: Date): StepPlan {
  return plan.wait({
    stepId: `run${run.id}-${k.phase}-${k.idx}-a${k.attempt}-wait${o.poll}`, source: SOURCE, label: label(run, `wait for INSYNC (${o.what})`), dueAt: at,
    params: { runId: run.id, phase: k.phase, idx: k.idx, attempt: k.attempt, changeId: o.changeId, deadline: o.deadline.toISOString(), poll: o.poll },
  });
}

export function expireStep(run: RunRef, at: Date): StepPlan {
  return plan.expire({ stepId: expireStepId(run), source: SOURCE, label: label(run, 'approval expiry'), dueAt: at, params: { runId: run.id } });
}

export function expireStepId(run: Pick<StoredRun, 'id'>): string {
  return `run${run.id}-expire`;
}

/** Tells the approvers: a page per group and one email (VoxGuard DR plan: PagerDuty, Slack, email). */
export function notifySteps(run: RunRef & Pick<StoredRun, 'approverGroups' | 'tier'>, channels: string[], at: Date): StepPlan[] {
  const out: StepPlan[] = [];
  if (channels.includes('pagerduty') && run.tier === 'T2') {
    for (const group of run.approverGroups) {
      out.push(plan.page({ stepId: `run${run.id}-page-${group}`, source: SOURCE, label: label(run, `page ${group} for approval`), dueAt: at, params: { runId: run.id, group } }));
    }
  }
  if (channels.includes('email') && run.approverGroups.length) {
    out.push(plan.email({ stepId: `run${run.id}-email`, source: SOURCE, label: label(run, `email ${run.approverGroups.join(', ')}`), dueAt: at, params: { runId: run.id } }));
  }
  return out;
}

/** Once a request is decided, the approval pages are resolved. */
export function pageResolveStep(run: RunRef & Pick<StoredRun, 'approverGroups' | 'tier'>, channels: string[], at: Date): StepPlan[] {
  if (!channels.includes('pagerduty') || run.tier !== 'T2' || !run.approverGroups.length) return [];
  return [plan.pageResolve({ stepId: `run${run.id}-page-resolve`, source: SOURCE, label: label(run, 'resolve the approval pages'), dueAt: at, params: { runId: run.id, groups: run.approverGroups } })];
}

/** The action after (phase, idx), crossing into the next phase with actions; undefined at the end. */
export function nextAction(plan: RunPlan, phase: Phase | undefined, idx: number): { phase: Phase; idx: number } | undefined {
  let p = phase ? PHASES.indexOf(phase) : 0;
  let i = phase ? idx + 1 : 0;
  for (; p < PHASES.length; p++, i = 0) {
    if (i < plan[PHASES[p]].length) return { phase: PHASES[p], idx: i };
  }
  return undefined;
}

/** The first action step of an approved run (none for an empty plan). */
export function firstActionStep(run: RunRef & Pick<StoredRun, 'plan'>, at: Date): StepPlan[] {
  const first = nextAction(run.plan, undefined, 0);
  if (!first) return [];
  return [actionStep(run, { runId: run.id, ...first, attempt: 1 }, run.plan[first.phase][first.idx].label, at)];
}
