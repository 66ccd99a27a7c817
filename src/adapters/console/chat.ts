import type { Button, Message } from '../../core/message.ts';
import { ChatError, type ChatPort } from '../../ports.ts';
import { renderMessage } from './render.ts';

export interface PressableButton extends Button {
  channel: string;
}

/**
 * The chat port on a terminal: prints exactly what drbot would post to Slack, numbers every
 * button so a person can press it by typing the number, and keeps channels in memory.
 */
export class ConsoleChat implements ChatPort {
  readonly transport = 'console';
  private seq = 0;
  private readonly channels = new Map<string, { name: string; private: boolean; members: Set<string> }>();
  readonly buttons: PressableButton[] = [];
  onChannelCreated?: (id: string, name: string) => void;

  /**
   * `known`: the channels of incidents already in the store, so that after a restart `/in` finds
   * them and a new channel never takes an id or a name an older incident holds.
   */
  constructor(
    private readonly print: (text: string) => void,
    private readonly personName: (id: string) => string = (id) => id,
    known: { id: string; name: string }[] = [],
  ) {
    for (const c of known) this.channels.set(c.id, { name: c.name, private: false, members: new Set() });
    this.seq = Math.max(0, ...known.map((c) => Number(/^C(\d{6})$/.exec(c.id)?.[1] ?? 0)));
  }

  name = (id: string): string => this.channels.get(id)?.name ?? this.personName(id);

  channelByName(name: string): string | undefined {
    const wanted = name.replace(/^#/, '');
    for (const [id, c] of this.channels) if (c.name === wanted || id === wanted) return id;
    return undefined;
  }

  private label(channel: string): string {
    return `#${this.channels.get(channel)?.name ?? channel.replace(/^#/, '')}`;
  }

  private render(m: Message): string {
    return renderMessage(m, this.name, (b) => {
      this.buttons.push({ ...b, channel: '' });
      return this.buttons.length;
    });
  }

  async createChannel(name: string, opts: { private: boolean }) {
    for (const c of this.channels.values()) if (c.name === name) throw new ChatError('name_taken', `channel #${name} exists`);
    const id = `C${String(++this.seq).padStart(6, '0')}`;
    this.channels.set(id, { name, private: opts.private, members: new Set() });
    this.print(`[slack] channel created: #${name}${opts.private ? ' (private)' : ''}`);
    this.onChannelCreated?.(id, name);
    return { id, name };
  }

  async invite(channelId: string, userIds: string[]) {
    const c = this.channels.get(channelId);
    const fresh = userIds.filter((u) => !c?.members.has(u));
    fresh.forEach((u) => c?.members.add(u));
    if (fresh.length) this.print(`[slack] invited to ${this.label(channelId)}: ${fresh.map((u) => `@${this.personName(u)}`).join(', ')}`);
  }

  async setTopic(channelId: string, topic: string) {
    this.print(`[slack] topic of ${this.label(channelId)}: ${topic}`);
  }

  async post(channel: string, message: Message) {
    this.print(`\n[${this.label(channel)}] drbot:\n${indent(this.render(message))}`);
    return { channel, ts: `${Date.now() / 1000}.${String(++this.seq).padStart(6, '0')}` };
  }

  async update(channel: string, ts: string, message: Message) {
    this.print(`\n[${this.label(channel)}] drbot (card updated):\n${indent(this.render(message))}`);
    void ts;
  }

  escape(text: string): string {
    return text;
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
