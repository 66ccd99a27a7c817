import { webApi } from '@slack/bolt';
import type { Form } from '../../core/form.ts';
import { MAX_RETRY_AFTER_MS } from '../../core/retryAfter.ts';
import type { Message } from '../../core/message.ts';
import { ChatError, TransientError, type ChatPort } from '../../ports.ts';
import { escapeMrkdwn, inertText, toSlackMessage } from './blocks.ts';
import { keepAliveFetch } from './fetch.ts';
import { toSlackModal } from './forms.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** A Web API client that leaves retries to drbot's scheduler (which honours Retry-After). */
export function createSlackClient(token: string, slackApiUrl: string, o: { timeoutMs?: number } = {}): WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
    // Each call's bound (10 s) is kept by the fetch: a timer, not an AbortSignal per call.
    timeout: 0,
    fetch: keepAliveFetch(process.env, { timeoutMs: o.timeoutMs ?? 10_000 }),
  });
}

/** Slack's error → a ChatError the application can act on. */
function mapError(e: unknown): never {
  const err = e as { code?: string; data?: { error?: string }; retryAfter?: number; message?: string };
  if (err.code === webApi.ErrorCode.RateLimitedError) {
    // The WebClient has already read Retry-After into seconds; the bound is the one every adapter uses.
    const seconds = typeof err.retryAfter === 'number' && Number.isFinite(err.retryAfter) && err.retryAfter >= 0 ? err.retryAfter : 1;
    throw new TransientError('Slack rate limited the call', Math.min(MAX_RETRY_AFTER_MS, seconds * 1000));
  }
  if (err.code === webApi.ErrorCode.PlatformError) {
    const code = err.data?.error ?? 'unknown';
    const known = ['name_taken', 'not_in_channel', 'channel_not_found'] as const;
    throw new ChatError((known as readonly string[]).includes(code) ? (code as (typeof known)[number]) : 'other', `Slack refused: ${code}`);
  }
  // Network errors and 5xx: worth another try.
  throw new TransientError(`Slack call failed: ${err.message ?? String(e)}`);
}

/** The chat port on Slack's Web API. The only file that calls Slack methods. */
export class SlackChat implements ChatPort {
  readonly transport = 'slack';
  constructor(private readonly client: WebClient) {}

  async createChannel(name: string, opts: { private: boolean }) {
    const res = await this.client.conversations.create({ name, is_private: opts.private }).catch(mapError);
    return { id: res.channel!.id!, name: res.channel!.name ?? name };
  }

  async invite(channelId: string, userIds: string[]) {
    if (!userIds.length) return;
    try {
      await this.client.conversations.invite({ channel: channelId, users: userIds.join(','), force: true });
    } catch (e) {
      // Inviting someone already there is not a failure.
      const code = (e as { data?: { error?: string } }).data?.error;
      if (code === 'already_in_channel' || code === 'cant_invite_self') return;
      mapError(e);
    }
  }

  async setTopic(channelId: string, topic: string) {
    await this.client.conversations.setTopic({ channel: channelId, topic: inertText(topic) }).catch(mapError);
  }

  async post(channel: string, message: Message) {
    const res = await this.client.chat.postMessage({ channel, ...toSlackMessage(message), unfurl_links: false }).catch(mapError);
    return { channel: res.channel ?? channel, ts: res.ts! };
  }

  async update(channel: string, ts: string, message: Message) {
    await this.client.chat.update({ channel, ts, ...toSlackMessage(message) }).catch(mapError);
  }

  async postEphemeral(channel: string, user: string, message: Message) {
    await this.client.chat.postEphemeral({ channel, user, ...toSlackMessage(message) }).catch(mapError);
  }

  async openForm(triggerId: string, form: Form) {
    await this.client.views.open({ trigger_id: triggerId, view: toSlackModal(form) as never }).catch(mapError);
  }

  escape(text: string): string {
    return escapeMrkdwn(text);
  }
}
