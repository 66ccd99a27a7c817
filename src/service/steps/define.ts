import type { z } from 'zod';
import type { StepCondition } from '../../core/chain.ts';
import type { StepOutcome, StepPlan } from '../../core/steps.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import { labelOutcome, type PortName } from '../simulation.ts';

/** A claimed step whose params were checked against its kind's schema. */
export type TypedStep<P> = Omit<ClaimedStep, 'params'> & { params: P };

/**
 * Sends one step. Throw `TransientError` to be retried with backoff, `NotConfigured` to be
 * recorded as "not sent (no credentials)"; any other error is retried and finally shown as failed.
 */
export type StepRun<P> = (ctx: AppContext, step: TypedStep<P>, incident: StoredIncident) => Promise<StepOutcome>;

/** A step made ready to send (its message rendered): calling it sends. */
export type StepSend = () => Promise<StepOutcome>;

/**
 * Does a step's work that needs no provider (rendering its message) and returns its send. The
 * scheduler prepares a step claimed ahead before its due time, so only the send is left then.
 * Throws as `StepRun` does.
 */
export type StepPrepare<P> = (ctx: AppContext, step: TypedStep<P>, incident: StoredIncident) => StepSend;

/** Params every kind accepts: the runner checks `when` before running the step. */
export interface CommonParams {
  when?: StepCondition | null;
  /** A chain step's due time as planned (it may run later, if drbot was down). */
  plannedAt?: string;
}

/** What a planted step of this kind carries besides its params. */
export type StepPlanInput<P> = Omit<StepPlan, 'kind' | 'params'> & { params: P & CommonParams };

/** One kind of durable step: its name, the schema of its params, what running it does. */
export interface StepKind<S extends z.ZodType = z.ZodType> {
  /** snake_case; stored with each step, so a rename needs a migration. */
  readonly kind: string;
  readonly params: S;
  /** Makes the step ready to send; the send returned does what the kind does. */
  readonly prepare: StepPrepare<z.output<S>>;
  /** A failure is also posted in the incident channel (a failed post does not post about itself). */
  readonly reportFailure: boolean;
  /**
   * It reads what the incident's steps did (timeline, step outcomes): the runner starts it once
   * the outcomes of the incident's steps before it are written. Other steps do not wait for that.
   */
  readonly readsOutcomes: boolean;
  /** A step of this kind, typed by its params. */
  plan(p: StepPlanInput<z.input<S>>): StepPlan;
}

/** A kind's name and params schema, apart from its handler (so planning code need not import the handler). */
export interface StepShape<S extends z.ZodType> {
  readonly kind: string;
  readonly params: S;
}

/** Builds steps of one kind, typed by its params. */
export function planner<S extends z.ZodType>(shape: StepShape<S>): (p: StepPlanInput<z.input<S>>) => StepPlan {
  return (p) => ({ ...p, kind: shape.kind, params: p.params as Record<string, unknown> });
}

/**
 * Defines a step kind; list it in `registry.ts` to make the scheduler run it. `run` does it all
 * when the step falls due; `prepare` instead does what it can before (a kind whose step is often
 * one of many due together, like a chain's Slack message).
 */
export function defineStep<S extends z.ZodType>(d: StepShape<S> & ({ run: StepRun<z.output<S>>; prepare?: never } | { prepare: StepPrepare<z.output<S>>; run?: never }) & {
  reportFailure?: boolean;
  readsOutcomes?: boolean;
  /** Integrations the step calls: when one is the built-in simulation, its outcome says so. */
  uses?: PortName[];
}): StepKind<S> {
  const uses = d.uses ?? [];
  const ready: StepPrepare<z.output<S>> = d.prepare ?? ((ctx, step, i) => () => d.run!(ctx, step, i));
  const prepare: StepPrepare<z.output<S>> = uses.length ? (ctx, step, i) => {
    const send = ready(ctx, step, i);
    return async () => labelOutcome(uses.map((u) => ctx[u]), await send());
  } : ready;
  return { kind: d.kind, params: d.params, prepare, reportFailure: d.reportFailure ?? true, readsOutcomes: d.readsOutcomes ?? false, plan: planner(d) };
}
