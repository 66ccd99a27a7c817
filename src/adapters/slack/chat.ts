import type { Form } from '../../core/form.ts';
import type { Message } from '../../core/message.ts';
import { ChatError, type ChatPort } from '../../ports.ts';
import { escapeMrkdwn, inertText, toSlackMessage } from './blocks.ts';
import { toSlackModal } from './forms.ts';
import { SlackRefused, type SlackWebApi } from './webApi.ts';

const KNOWN = ['name_taken', 'not_in_channel', 'channel_not_found'] as const;

/** Slack's refusal → a ChatError the application can act on (a TransientError passes through). */
function mapError(e: unknown): never {
  if (e instanceof SlackRefused) {
    throw new ChatError((KNOWN as readonly string[]).includes(e.code) ? (e.code as (typeof KNOWN)[number]) : 'other', e.message);
  }
  throw e;
}

/** The chat port on Slack's Web API. The only file that calls Slack methods. */
export class SlackChat implements ChatPort {
  readonly transport = 'slack';
  constructor(private readonly api: SlackWebApi) {}

  async createChannel(name: string, opts: { private: boolean }) {
    const res = await this.api.call<{ channel: { id: string; name?: string } }>('conversations.create', { name, is_private: opts.private }).catch(mapError);
    return { id: res.channel.id, name: res.channel.name ?? name };
  }

  async invite(channelId: string, userIds: string[]) {
    if (!userIds.length) return;
    try {
      await this.api.call('conversations.invite', { channel: channelId, users: userIds.join(','), force: true });
    } catch (e) {
      // Inviting someone already there is not a failure.
      if (e instanceof SlackRefused && (e.code === 'already_in_channel' || e.code === 'cant_invite_self')) return;
      mapError(e);
    }
  }

  async setTopic(channelId: string, topic: string) {
    await this.api.call('conversations.setTopic', { channel: channelId, topic: inertText(topic) }).catch(mapError);
  }

  post(channel: string, message: Message) {
    return this.preparePost(channel, message)();
  }

  preparePost(channel: string, message: Message) {
    const send = this.api.prepare<{ channel?: string; ts: string }>('chat.postMessage', { channel, ...toSlackMessage(message), unfurl_links: false });
    return async () => {
      const res = await send().catch(mapError);
      return { channel: res.channel ?? channel, ts: res.ts };
    };
  }

  async update(channel: string, ts: string, message: Message) {
    await this.api.call('chat.update', { channel, ts, ...toSlackMessage(message) }).catch(mapError);
  }

  async postEphemeral(channel: string, user: string, message: Message) {
    await this.api.call('chat.postEphemeral', { channel, user, ...toSlackMessage(message) }).catch(mapError);
  }

  async openForm(triggerId: string, form: Form) {
    await this.api.call('views.open', { trigger_id: triggerId, view: toSlackModal(form) }).catch(mapError);
  }

  escape(text: string): string {
    return escapeMrkdwn(text);
  }
}
