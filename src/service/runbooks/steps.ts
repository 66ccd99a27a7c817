/**
 * The durable steps a recovery run is made of. Each step id is unique within the incident, so
 * planting the same step twice (a retried click, two replicas) schedules it once.
 */
import { PHASES, type Phase, type RunPlan } from '../../core/runbook.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { ActionKey, StoredRun } from '../../store/runRows.ts';

export const STEP = {
  message: 'runbook.message',
  action: 'runbook.action',
  wait: 'runbook.wait',
  expire: 'runbook.expire',
  page: 'runbook.page',
  pageResolve: 'runbook.page_resolve',
  email: 'runbook.email',
} as const;

// `system`: the runner does not redraw the incident card for these (the run has its own message).
const SOURCE = 'system';

type RunRef = Pick<StoredRun, 'id' | 'runbook'>;
const label = (run: RunRef, what: string) => `Run #${run.id} ${run.runbook}: ${what}`;

/** Posts (first) or redraws the run's message with its state at `version`. */
export function messageStep(run: RunRef, version: number, at: Date, first = false): StepPlan {
  return { stepId: `run${run.id}-msg-v${version}`, kind: STEP.message, source: SOURCE, label: label(run, first ? 'post the request' : 'update the message'), dueAt: at, params: { runId: run.id, first } };
}

export function actionStep(run: RunRef, k: ActionKey, what: string, at: Date): StepPlan {
  return {
    stepId: `run${run.id}-${k.phase}-${k.idx}-a${k.attempt}`, kind: STEP.action, source: SOURCE, label: label(run, what), dueAt: at,
    params: { runId: run.id, phase: k.phase, idx: k.idx, attempt: k.attempt },
  };
}

/** Polls GetChange once; plants the next poll until INSYNC or the deadline. */
export function waitStep(run: RunRef, k: ActionKey, o: { changeId: string; deadline: Date; poll: number; what: string }, at: Date): StepPlan {
  return {
    stepId: `run${run.id}-${k.phase}-${k.idx}-a${k.attempt}-wait${o.poll}`, kind: STEP.wait, source: SOURCE, label: label(run, `wait for INSYNC (${o.what})`), dueAt: at,
    params: { runId: run.id, phase: k.phase, idx: k.idx, attempt: k.attempt, changeId: o.changeId, deadline: o.deadline.toISOString(), poll: o.poll },
  };
}

export function expireStep(run: RunRef, at: Date): StepPlan {
  return { stepId: `run${run.id}-expire`, kind: STEP.expire, source: SOURCE, label: label(run, 'approval expiry'), dueAt: at, params: { runId: run.id } };
}

export function expireStepId(run: Pick<StoredRun, 'id'>): string {
  return `run${run.id}-expire`;
}

/** Tells the approvers: a page per group and one email (seed 000: PagerDuty, Slack, email). */
export function notifySteps(run: RunRef & Pick<StoredRun, 'approverGroups' | 'tier'>, channels: string[], at: Date): StepPlan[] {
  const out: StepPlan[] = [];
  if (channels.includes('pagerduty') && run.tier === 'T2') {
    for (const group of run.approverGroups) {
      out.push({ stepId: `run${run.id}-page-${group}`, kind: STEP.page, source: SOURCE, label: label(run, `page ${group} for approval`), dueAt: at, params: { runId: run.id, group } });
    }
  }
  if (channels.includes('email') && run.approverGroups.length) {
    out.push({ stepId: `run${run.id}-email`, kind: STEP.email, source: SOURCE, label: label(run, `email ${run.approverGroups.join(', ')}`), dueAt: at, params: { runId: run.id } });
  }
  return out;
}

/** Once a request is decided, the approval pages are resolved. */
export function pageResolveStep(run: RunRef & Pick<StoredRun, 'approverGroups' | 'tier'>, channels: string[], at: Date): StepPlan[] {
  if (!channels.includes('pagerduty') || run.tier !== 'T2' || !run.approverGroups.length) return [];
  return [{ stepId: `run${run.id}-page-resolve`, kind: STEP.pageResolve, source: SOURCE, label: label(run, 'resolve the approval pages'), dueAt: at, params: { runId: run.id, groups: run.approverGroups } }];
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
