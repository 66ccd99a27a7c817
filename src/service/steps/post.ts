import type { Message } from '../../core/message.ts';
import { TransientError } from '../../ports.ts';
import type { PostTarget } from '../notices.ts';
import type { StepHandler } from './types.ts';

/** Resolves a post target to a channel; the incident channel may not exist yet (retry shortly). */
export function channelFor(to: PostTarget, incident: { channelId: string | null }, channels: Record<'announcements' | 'engineering' | 'alerts', string>): string {
  if (to === 'incident') {
    if (!incident.channelId) throw new TransientError('the incident channel is not open yet', 1000);
    return incident.channelId;
  }
  return channels[to];
}

export const postHandler: StepHandler = async (ctx, step, incident) => {
  const to = step.params.to as PostTarget;
  const channel = channelFor(to, incident, ctx.config.settings.channels);
  const posted = await ctx.chat.post(channel, step.params.message as Message);
  return { status: 'done', detail: `posted to ${to}`, result: { channel: posted.channel, ts: posted.ts } };
};
