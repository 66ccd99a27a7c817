import type { Incident } from './incident.ts';
import type { Severity } from './severity.ts';
import type { Step, StepPlan } from './steps.ts';

/** Conditions a chain step may carry; evaluated when the step falls due, not when planned. */
export type StepCondition = 'compliance_impact' | 'public';

/** One step of a severity's notification chain (`notifications/sevN.yml`). */
export interface ChainStep {
  id: string;
  /** Offset from the declaration, in ms. */
  atMs: number;
  kind: string;
  label: string;
  when?: StepCondition;
  /** Kind-specific settings (recipients, template, channel …), validated when loaded. */
  params: Record<string, unknown>;
}

export type Chains = Record<Severity, ChainStep[]>;

export const CHAIN_SOURCE = 'chain';
/** Steps that only make sense while the incident is open; resolve and cancel drop them. */
export const OPEN_ONLY_SOURCES = [CHAIN_SOURCE, 'cadence', 'escalation', 'drill', 'rto'];

function toPlan(s: ChainStep, i: Pick<Incident, 'declaredAt'>, now: Date): StepPlan {
  const due = new Date(i.declaredAt.getTime() + s.atMs);
  return {
    stepId: s.id,
    kind: s.kind,
    source: CHAIN_SOURCE,
    label: s.label,
    // "Due times relative to the declaration, overdue ones now."
    dueAt: due < now ? now : due,
    params: { ...s.params, when: s.when ?? null, plannedAt: due.toISOString() },
  };
}

/** The steps a new incident starts with. */
export function planDeclare(i: Pick<Incident, 'declaredAt' | 'severity'>, chains: Chains, now: Date): StepPlan[] {
  return chains[i.severity].map((s) => toPlan(s, i, now));
}

/**
 * `/dr sev`: the new chain's steps that are not on the schedule are added: those that never
 * existed, and those cancelled on the way down before they ran (SEV-1 → 2 → 1 gets its war room
 * back). A step id that ran (done, failed, skipped) is not run again; a pending one stays as it
 * is. A downgrade also cancels the pending chain steps the new chain lacks; an upgrade keeps
 * them (a SEV-3 ticket still makes sense once it is a SEV-1).
 */
export function planSeverityChange(
  i: Pick<Incident, 'declaredAt' | 'severity'>,
  to: Severity,
  chains: Chains,
  existing: Pick<Step, 'stepId' | 'status' | 'source'>[],
  now: Date,
): { add: StepPlan[]; cancel: string[] } {
  const next = chains[to];
  const scheduledOrRan = new Set(existing.filter((s) => s.status !== 'cancelled').map((s) => s.stepId));
  const wanted = new Set(next.map((s) => s.id));
  return {
    add: next.filter((s) => !scheduledOrRan.has(s.id)).map((s) => ({ ...toPlan(s, i, now), replan: true })),
    cancel: to > i.severity
      ? existing.filter((s) => s.source === CHAIN_SOURCE && s.status === 'pending' && !wanted.has(s.stepId)).map((s) => s.stepId)
      : [],
  };
}

/** Whether a step's condition holds for the incident as it is when the step falls due. */
export function conditionHolds(when: StepCondition | null | undefined, i: Incident): boolean {
  switch (when) {
    case undefined:
    case null:
      return true;
    case 'compliance_impact':
      return i.complianceImpact;
    case 'public':
      return !i.private;
  }
}
