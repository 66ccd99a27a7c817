/** A unit of outbound work on the durable schedule: a chain step, or one of declare's own. */
export type StepStatus = 'pending' | 'done' | 'failed' | 'skipped' | 'cancelled';

export interface Step {
  id: number;
  incidentId: number;
  /** Unique within the incident: `open-channel`, or a chain step's own `id`. */
  stepId: string;
  kind: string;
  /** `system` (declare, card, reminders), `chain` (notifications/), … */
  source: string;
  label: string;
  dueAt: Date;
  status: StepStatus;
  attempts: number;
  lastError: string | null;
  /** When the provider accepted it, and when (if ever) a person or provider confirmed it. */
  sentAt: Date | null;
  confirmedAt: Date | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
}

/** What a step handler reports; written in the same transaction as the step's done mark. */
export type StepOutcome =
  /**
   * `plant`: follow-up steps (an escalation check after a page), written with the done mark.
   * `changedIncident`: the step wrote incident fields (the channel): the next step re-reads it.
   */
  | { status: 'done'; detail: string; result?: Record<string, unknown>; plant?: StepPlan[]; changedIncident?: boolean }
  | { status: 'skipped'; detail: string }
  | { status: 'failed'; detail: string };

/** What the scheduler needs to plant: a new step, not yet stored. */
export interface StepPlan {
  stepId: string;
  kind: string;
  source: string;
  label: string;
  dueAt: Date;
  params: Record<string, unknown>;
  /**
   * Planted again if a step with this id was cancelled before it ever ran (a severity that went
   * down and up again): back to pending with this plan. Without it, or once the step ran, an
   * existing id is left as it is.
   */
  replan?: boolean;
}
