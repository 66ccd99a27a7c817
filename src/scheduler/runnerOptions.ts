import type { AppContext } from '../service/context.ts';
import type { ClaimedStep } from '../store/sql/claimDueSteps.ts';
import type { StoredIncident } from '../store/rows.ts';

export interface RunnerOptions {
  /** This replica's name in leases. */
  worker: string;
  /**
   * How long a claim holds without news. While a step is claimed and not yet written, the runner
   * renews its lease every `leaseMs / 3` (a heartbeat), so a short lease covers a long send and a
   * replica that dies loses its steps within `leaseMs`.
   */
  leaseMs: number;
  /** Longest a single send may take before it counts as failed (and is retried). */
  sendTimeoutMs?: number;
  batch: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest sleep without a wake-up (other replicas' new steps are seen within this). */
  idleMs: number;
  /** A step that starts later than this after it fell due is marked late in the timeline. */
  lateAfterMs: number;
  /** Told each step's timeline line once written (the console prints them). */
  onFinished?: (incidentId: number, text: string) => void;
  /**
   * Work after a pass that left nothing due (the application redraws stale cards). It awaits
   * `stepsFirst()` before each piece, which waits while this replica's claimed steps are being
   * sent (at most `maxDeferMs` in all for one pass).
   */
  afterPass?: (stepsFirst: () => Promise<void>) => Promise<void>;
  /**
   * The application's rules around each step (drills: what is withheld, with where it would have
   * gone, and a context that marks everything DRILL). The runner knows steps, not use cases.
   */
  stepGuard?: StepGuard;
  /** While true (Slack requests are being answered) the runner waits, at most `maxDeferMs` each time. */
  deferWhile?: () => boolean;
  maxDeferMs?: number;
  /** While true (a standby on a read-only replica) the runner claims nothing. */
  paused?: () => boolean;
  /**
   * The loop wakes this much before the next step falls due and claims what falls due within it,
   * then starts each step at its due time: the claim and the incident's read are paid before the
   * due time, not after it (README "Performance"). `runDue` does not look ahead.
   */
  aheadMs?: number;
}

export interface StepGuard {
  /** Why this step is not sent (recorded as skipped), or undefined. */
  withholds(ctx: AppContext, step: ClaimedStep, incident: StoredIncident): string | undefined;
  /** The context the step runs with. */
  context(ctx: AppContext, step: ClaimedStep, incident: StoredIncident): AppContext;
}

export const DEFAULT_RUNNER_OPTIONS: Omit<RunnerOptions, 'worker'> = {
  leaseMs: 15_000, sendTimeoutMs: 60_000, batch: 250, maxAttempts: 5, backoffBaseMs: 2_000, backoffMaxMs: 120_000, idleMs: 2_000, lateAfterMs: 30_000, aheadMs: 100,
};
