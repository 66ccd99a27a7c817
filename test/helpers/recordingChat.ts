import { plainLine, type Message } from '../../src/core/message.ts';
import { ChatError, type ChatPort } from '../../src/ports.ts';

export interface ChatCall {
  method: string;
  channel?: string;
  message?: Message;
  args?: unknown;
}

/** A chat port fake for service tests (the Slack adapter itself is tested against the Slack stand-in). */
export class RecordingChat implements ChatPort {
  readonly transport = 'test';
  readonly calls: ChatCall[] = [];
  readonly channels = new Map<string, { name: string; private: boolean; members: Set<string> }>();
  private seq = 0;
  /** Makes the next calls of a method throw, e.g. `failNext.set('post', new Error('boom'))`. */
  readonly failNext = new Map<string, Error[]>();

  private maybeFail(method: string) {
    const queue = this.failNext.get(method);
    const err = queue?.shift();
    if (err) throw err;
  }

  async createChannel(name: string, opts: { private: boolean }) {
    this.maybeFail('createChannel');
    for (const c of this.channels.values()) if (c.name === name) throw new ChatError('name_taken', 'name_taken');
    const id = `C${String(++this.seq).padStart(8, '0')}`;
    this.channels.set(id, { name, private: opts.private, members: new Set() });
    this.calls.push({ method: 'createChannel', channel: id, args: { name, ...opts } });
    return { id, name };
  }
  async invite(channelId: string, userIds: string[]) {
    this.maybeFail('invite');
    userIds.forEach((u) => this.channels.get(channelId)?.members.add(u));
    this.calls.push({ method: 'invite', channel: channelId, args: userIds });
  }
  async setTopic(channelId: string, topic: string) {
    this.calls.push({ method: 'setTopic', channel: channelId, args: topic });
  }
  async post(channel: string, message: Message) {
    this.maybeFail('post');
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.calls.push({ method: 'post', channel, message, args: ts });
    return { channel, ts };
  }
  async update(channel: string, ts: string, message: Message) {
    this.maybeFail('update');
    this.calls.push({ method: 'update', channel, message, args: ts });
  }
  escape(text: string) {
    return text.replace(/</g, '&lt;');
  }

  /** Every posted or updated message as plain text, in order. */
  texts(method?: string, channel?: string): string[] {
    return this.calls
      .filter((c) => c.message && (!method || c.method === method) && (!channel || c.channel === channel))
      .map((c) => c.message!.blocks.map((b) => ('lines' in b ? b.lines.map(plainLine).join('\n') : 'fields' in b ? b.fields.map((f) => `${f.label}: ${plainLine(f.value)}`).join('\n') : 'text' in b ? b.text : '')).join('\n'));
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}
