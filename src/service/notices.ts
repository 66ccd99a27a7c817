import type { Message } from '../core/message.ts';
import type { StepPlan } from '../core/steps.ts';

/** Where a `post` step posts: the incident's own channel, or a channel from drbot.yml. */
export type PostTarget = 'incident' | 'announcements' | 'engineering' | 'alerts';

/**
 * A message to post, as a durable step: it survives a crash between the change that caused
 * it and the post. `key` must be unique within the incident (include the incident version).
 */
export function postStep(key: string, label: string, to: PostTarget, message: Message, dueAt: Date): StepPlan {
  return { stepId: key, kind: 'post', source: 'system', label, dueAt, params: { to, message } };
}
