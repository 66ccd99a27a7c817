import type { TimelineEvent } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { Queryable } from '../../store/db.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { claimRequestKey } from '../../store/sql/claimRequestKey.ts';
import { getRequestReply } from '../../store/sql/getRequestReply.ts';
import { saveRequestReply } from '../../store/sql/saveRequestReply.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import type { Reply } from '../../inbound.ts';
import { findTarget } from '../target.ts';

export interface Recorded {
  reply: Reply;
  events?: TimelineEvent[];
  plant?: StepPlan[];
  /** The decision planted steps itself (it needed to know whether they were new). */
  wake?: boolean;
}

/**
 * One request that adds to an incident without changing its state (an action item, a PIR
 * retry, a Publish click): the request key, the row lock, the timeline and the steps in one
 * transaction, so a Slack retry or a second replica answers the first reply and does nothing.
 * A refusal (DomainError) rolls everything back.
 */
export async function recordForIncident(
  ctx: AppContext,
  r: { requestKey: string; ref?: number; channelId?: string; usage?: string },
  decide: (i: StoredIncident, tx: Queryable) => Promise<Recorded>,
): Promise<Reply> {
  const now = ctx.clock.now();
  const out = await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, r.requestKey, now))) {
      const earlier = await getRequestReply(tx, r.requestKey);
      return { reply: (earlier?.reply as Reply | null) ?? { message: textMessage(['Already done (this request was received twice).']) }, planted: false };
    }
    const incident = await findTarget(tx, r.ref, r.channelId, r.usage, true);
    const d = await decide(incident, tx);
    if (d.events?.length) await appendTimeline(tx, incident.id, d.events);
    const planted = (d.plant?.length ? (await plantSteps(tx, incident.id, d.plant)).length > 0 : false) || !!d.wake;
    await saveRequestReply(tx, r.requestKey, d.reply, incident.id);
    return { reply: d.reply, planted };
  });
  if (out.planted) ctx.wake();
  return out.reply;
}
