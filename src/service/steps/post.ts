import { z } from 'zod';
import type { Message } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import { TransientError, type ChatPort } from '../../ports.ts';
import { defineStep } from './define.ts';

/** Where a `post` step posts: the incident's own channel, or a channel from drbot.yml. */
export const postTarget = z.enum(['incident', 'announcements', 'engineering', 'alerts']);
export type PostTarget = z.infer<typeof postTarget>;

/** A message as the core builds it (checked for shape only: the core made it). */
export const messageParam = z.custom<Message>((v) => !!v && typeof v === 'object' && typeof (v as Message).fallback === 'string', 'expected a message');

/** Resolves a post target to a channel; the incident channel may not exist yet (retry shortly). */
export function channelFor(to: PostTarget, incident: { channelId: string | null }, channels: Record<'announcements' | 'engineering' | 'alerts', string>): string {
  if (to === 'incident') {
    if (!incident.channelId) throw new TransientError('the incident channel is not open yet', 1000);
    return incident.channelId;
  }
  return channels[to];
}

/** A post made ready to send (encoded now, where the transport can), sent when called. */
export function readyPost(chat: ChatPort, channel: string, message: Message): () => Promise<{ channel: string; ts: string }> {
  return chat.preparePost?.(channel, message) ?? (() => chat.post(channel, message));
}

/** `post`: a message built when something changed, posted as a durable step. */
export const postKind = defineStep({
  kind: 'post',
  params: z.object({ to: postTarget, message: messageParam }),
  // A failed post is not reported with another post.
  reportFailure: false,
  prepare: (ctx, step, incident) => {
    const { to, message } = step.params;
    const send = readyPost(ctx.chat, channelFor(to, incident, ctx.config.settings.channels), message);
    return async () => {
      const posted = await send();
      return { status: 'done', detail: `posted to ${to}`, result: { channel: posted.channel, ts: posted.ts } };
    };
  },
});

/**
 * A message to post, as a durable step: it survives a crash between the change that caused
 * it and the post. `key` must be unique within the incident (include the incident version).
 */
export function postStep(key: string, label: string, to: PostTarget, message: Message, dueAt: Date): StepPlan {
  return postKind.plan({ stepId: key, source: 'system', label, dueAt, params: { to, message } });
}
