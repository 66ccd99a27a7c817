import type { StepOutcome } from '../../core/steps.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';

/**
 * Sends one step. Throw `TransientError` to be retried with backoff, `NotConfigured` to be
 * recorded as "not sent (no credentials)"; any other error is retried and finally shown as failed.
 */
export type StepHandler = (ctx: AppContext, step: ClaimedStep, incident: StoredIncident) => Promise<StepOutcome>;
