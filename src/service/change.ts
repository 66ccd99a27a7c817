import type { Change, Incident } from '../core/incident.ts';
import { textMessage } from '../core/message.ts';
import type { StepPlan } from '../core/steps.ts';
import type { Queryable } from '../store/db.ts';
import { appendTimeline } from '../store/sql/appendTimeline.ts';
import { cancelPendingSteps } from '../store/sql/cancelPendingSteps.ts';
import { claimRequestKey } from '../store/sql/claimRequestKey.ts';
import { getRequestReply } from '../store/sql/getRequestReply.ts';
import { saveRequestReply } from '../store/sql/saveRequestReply.ts';
import { plantSteps } from '../store/sql/plantSteps.ts';
import { saveIncident } from '../store/sql/saveIncident.ts';
import type { StoredIncident } from '../store/rows.ts';
import type { AppContext } from './context.ts';
import type { Reply } from '../inbound.ts';
import { findTarget } from './target.ts';

export interface ChangeRequest {
  requestKey: string;
  userId: string;
  ref?: number;
  channelId?: string;
  usage?: string;
}

/** What a use case decides, given the locked incident: the domain change and its side effects. */
export interface ChangePlan {
  change: Change;
  reply: Reply;
  plant?: StepPlan[];
  /** Pending steps to cancel: these ids, and/or every pending step from these sources. */
  cancel?: { stepIds?: string[]; sources?: string[] };
}

/**
 * Runs one change to one incident in one transaction: the request key (a retry or double click
 * is answered with the first reply and changes nothing), the row lock, the domain change, the
 * timeline, the steps it plants or cancels. A refusal rolls everything back.
 */
export async function changeIncident(
  ctx: AppContext,
  r: ChangeRequest,
  decide: (incident: StoredIncident, tx: Queryable) => Promise<ChangePlan> | ChangePlan,
): Promise<{ reply: Reply; incident?: Incident }> {
  const now = ctx.clock.now();
  const out = await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, r.requestKey, now))) {
      const earlier = await getRequestReply(tx, r.requestKey);
      return { reply: (earlier?.reply as Reply | null) ?? { message: textMessage(['Already done (this request was received twice).']) } };
    }
    const incident = await findTarget(tx, r.ref, r.channelId, r.usage, true);
    const plan = await decide(incident, tx);
    await saveIncident(tx, plan.change.incident);
    await appendTimeline(tx, incident.id, plan.change.events);
    if (plan.cancel) await cancelPendingSteps(tx, incident.id, plan.cancel.stepIds, plan.cancel.sources);
    if (plan.plant?.length) await plantSteps(tx, incident.id, plan.plant);
    await saveRequestReply(tx, r.requestKey, plan.reply, incident.id);
    return { reply: plan.reply, incident: plan.change.incident };
  });
  if (out.incident) ctx.wake();
  return out;
}
