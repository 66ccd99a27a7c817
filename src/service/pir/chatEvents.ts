import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { claimRequestKey } from '../../store/sql/claimRequestKey.ts';
import { getIncidentByChannel } from '../../store/sql/getIncidentByChannel.ts';
import type { AppContext } from '../context.ts';
import type { ChatEvent } from '../../inbound.ts';

const TEXT_MAX = 500;

/** Slack's message ts (`1700000000.000100`) is when the message was posted. */
function messageTime(ts: string | undefined, now: Date): Date {
  const secs = Number(ts);
  if (!ts || !Number.isFinite(secs) || secs <= 0) return now;
  const at = new Date(Math.round(secs * 1000));
  return at > now ? now : at;
}

/**
 * A message pinned, or reacted to with the configured emoji, in an incident channel joins the
 * timeline at the time it was posted (that is where it belongs in the PIR). Slack redelivers
 * events: the event id is claimed once, and a message pinned and reacted to is added once.
 */
export async function timelineFromChatEvent(ctx: AppContext, e: ChatEvent): Promise<void> {
  const emoji = ctx.config.settings.pir.timelineEmoji;
  const wanted = e.type === 'pin_added' || (e.type === 'reaction_added' && e.reaction === emoji);
  if (!wanted || !e.channelId || !e.eventId) return;
  const i = await getIncidentByChannel(ctx.db, e.channelId);
  if (!i) return;
  const now = ctx.clock.now();
  const quoted = e.text ? `: "${e.text.replace(/\s+/g, ' ').trim().slice(0, TEXT_MAX)}"` : '';
  const text = e.type === 'pin_added' ? `Pinned message${quoted}` : `Message marked :${emoji}: for the timeline${quoted}`;
  await ctx.db.transaction(async (tx) => {
    if (!(await claimRequestKey(tx, `chat:event:${e.eventId}`, now, i.id))) return;
    if (e.ts && !(await claimRequestKey(tx, `chat:timeline:${e.channelId}:${e.ts}`, now, i.id))) return;
    await appendTimeline(tx, i.id, [{
      type: 'note', at: messageTime(e.ts, now), actor: e.userId, text,
      data: { via: e.type, channel: e.channelId, ts: e.ts ?? null, addedAt: now.toISOString() },
    }]);
  });
}
