/**
 * The workspace a Slack stand-in keeps: channels, messages, ephemerals and opened modals, and
 * the answers Slack gives for the methods drbot calls. Error codes are Slack's documented ones
 * (api.slack.com/methods/<method>, "Errors"). Arguments arrive already validated.
 */
type Json = Record<string, unknown>;

export interface SlackChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  members: string[];
  topic: string;
  created: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  /** Earlier versions, oldest first, one per chat.update. */
  edits: { text?: string; blocks?: unknown[]; replacedAt: number }[];
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text?: string;
  blocks?: unknown[];
}

export interface SlackOpenedView {
  id: string;
  trigger_id: string;
  view: Json;
  at: number;
}

export interface ChannelSeed {
  id?: string;
  name: string;
  members?: string[];
  is_private?: boolean;
  /** Whether the bot is a member (default true): Slack answers `not_in_channel` to a bot posting where it is not. */
  botIsMember?: boolean;
}

export interface WorkspaceIds {
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
}

const fail = (error: string): Json => ({ ok: false, error });
const USER_ID = /^[UW][A-Z0-9]+$/;

export class SlackWorkspace {
  readonly channels = new Map<string, SlackChannel>();
  readonly messages = new Map<string, SlackMessage[]>();
  readonly ephemerals: SlackEphemeral[] = [];
  readonly views: SlackOpenedView[] = [];
  private readonly usedTriggers = new Set<string>();
  private seq = 0;

  /** `triggerTtlMs`: Slack's trigger_id expires 3 s after the interaction. */
  constructor(readonly ids: WorkspaceIds, private readonly triggerTtlMs = 3000) {}

  addChannel(seed: ChannelSeed): SlackChannel {
    const members = new Set(seed.members ?? []);
    if (seed.botIsMember !== false) members.add(this.ids.botUserId);
    const id = seed.id ?? this.newId('C');
    const ch: SlackChannel = {
      id, name: seed.name, is_private: !!seed.is_private, is_im: id.startsWith('D'), members: [...members], topic: '', created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(id, ch);
    this.messages.set(id, []);
    return ch;
  }

  channelByName(name: string): SlackChannel | undefined {
    const n = name.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === n);
  }

  handle(method: string, a: Json): Json {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://standin.slack.com/', team: 'Stand-in', user: 'drbot', team_id: this.ids.teamId, user_id: this.ids.botUserId, bot_id: this.ids.botId, is_enterprise_install: false };
      case 'conversations.create':
        return this.create(String(a.name), a.is_private === true || a.is_private === 'true');
      case 'conversations.invite':
        return this.invite(String(a.channel), String(a.users), a.force === true || a.force === 'true');
      case 'conversations.setTopic':
        return this.setTopic(String(a.channel), String(a.topic));
      case 'chat.postMessage':
        return this.post(a);
      case 'chat.update':
        return this.update(a);
      case 'chat.postEphemeral':
        return this.ephemeral(a);
      case 'views.open':
        return this.openView(String(a.trigger_id), a.view as Json);
      default:
        return fail('not_implemented_by_standin');
    }
  }

  private newId(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(9, '0')}`;
  }

  /** Message timestamps: unique and increasing, shaped like Slack's `1700000000.000123`. */
  private newTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }

  private channelJson(c: SlackChannel): Json {
    return {
      id: c.id, name: c.name, name_normalized: c.name, is_channel: !c.is_private && !c.is_im, is_group: c.is_private, is_im: c.is_im, is_private: c.is_private,
      created: c.created, creator: this.ids.botUserId, is_archived: false, is_member: c.members.includes(this.ids.botUserId),
      topic: { value: c.topic, creator: c.topic ? this.ids.botUserId : '', last_set: 0 }, purpose: { value: '', creator: '', last_set: 0 },
    };
  }

  private create(name: string, isPrivate: boolean): Json {
    // Slack: lowercase letters, numbers, hyphens and underscores, 80 characters at most.
    if (!name) return fail('invalid_name_required');
    if (name.length > 80) return fail('invalid_name_maxlength');
    if (/[^a-z0-9_-]/.test(name)) return fail('invalid_name_specials');
    if (/^[-_]+$/.test(name)) return fail('invalid_name_punctuation');
    if (this.channelByName(name)) return fail('name_taken');
    return { ok: true, channel: this.channelJson(this.addChannel({ name, is_private: isPrivate })) };
  }

  /**
   * Without `force`, any bad id fails the whole call and nobody is invited (Slack documents
   * this). With `force`, the valid ones are invited; answering ok then is an approximation.
   */
  private invite(channelId: string, users: string, force: boolean): Json {
    const ch = this.channels.get(channelId);
    if (!ch) return fail('channel_not_found');
    if (!ch.members.includes(this.ids.botUserId)) return fail('not_in_channel');
    const ids = [...new Set(users.split(',').map((u) => u.trim()).filter(Boolean))];
    if (!ids.length) return fail('no_user');
    if (ids.length > 1000) return fail('too_many_users');
    const problem = (u: string) => (!USER_ID.test(u) ? 'user_not_found' : u === this.ids.botUserId ? 'cant_invite_self' : ch.members.includes(u) ? 'already_in_channel' : undefined);
    const firstProblem = ids.map(problem).find(Boolean);
    const fresh = ids.filter((u) => !problem(u));
    if (firstProblem && (!force || !fresh.length)) return fail(firstProblem);
    ch.members.push(...fresh);
    return { ok: true, channel: this.channelJson(ch) };
  }

  private setTopic(channelId: string, topic: string): Json {
    const ch = this.channels.get(channelId);
    if (!ch) return fail('channel_not_found');
    if (!ch.members.includes(this.ids.botUserId)) return fail('not_in_channel');
    if (topic.length > 250) return fail('too_long');
    ch.topic = topic;
    return { ok: true, channel: this.channelJson(ch) };
  }

  /** A channel id, a `#name`, or a user id (Slack then posts in the bot's DM with that user). */
  private target(channel: string): SlackChannel | undefined {
    if (USER_ID.test(channel)) {
      const dm = `D${channel.slice(1)}`;
      return this.channels.get(dm) ?? this.addChannel({ id: dm, name: dm, members: [channel] });
    }
    return this.channels.get(channel) ?? this.channelByName(channel);
  }

  private content(a: Json): Pick<SlackMessage, 'text' | 'blocks' | 'attachments'> {
    return {
      ...(a.text !== undefined ? { text: String(a.text) } : {}),
      ...(Array.isArray(a.blocks) ? { blocks: a.blocks } : {}),
      ...(Array.isArray(a.attachments) ? { attachments: a.attachments } : {}),
    };
  }

  private messageJson(m: SlackMessage): Json {
    return { type: 'message', user: m.user, bot_id: this.ids.botId, app_id: this.ids.appId, team: this.ids.teamId, ts: m.ts, ...this.content(m as unknown as Json) };
  }

  private post(a: Json): Json {
    const ch = this.target(String(a.channel));
    if (!ch) return fail('channel_not_found');
    if (!ch.members.includes(this.ids.botUserId)) return fail('not_in_channel');
    if (typeof a.text === 'string' && a.text.length > 40000) return fail('msg_too_long');
    const m: SlackMessage = { channel: ch.id, ts: this.newTs(), user: this.ids.botUserId, ...this.content(a), edits: [] };
    if (a.thread_ts !== undefined) m.thread_ts = String(a.thread_ts);
    this.messages.get(ch.id)!.push(m);
    return { ok: true, channel: ch.id, ts: m.ts, message: this.messageJson(m) };
  }

  private update(a: Json): Json {
    const ch = this.channels.get(String(a.channel));
    if (!ch) return fail('channel_not_found');
    const m = this.messages.get(ch.id)!.find((x) => x.ts === String(a.ts));
    if (!m) return fail('message_not_found');
    if (m.user !== this.ids.botUserId) return fail('cant_update_message');
    m.edits.push({ text: m.text, blocks: m.blocks, replacedAt: Date.now() });
    // Slack keeps the previous blocks when `blocks` is left out of the update.
    Object.assign(m, this.content(a));
    return { ok: true, channel: ch.id, ts: m.ts, text: m.text ?? '', message: this.messageJson(m) };
  }

  private ephemeral(a: Json): Json {
    const ch = this.channels.get(String(a.channel)) ?? this.channelByName(String(a.channel));
    if (!ch) return fail('channel_not_found');
    if (!ch.members.includes(String(a.user))) return fail('user_not_in_channel');
    const e: SlackEphemeral = { channel: ch.id, user: String(a.user), message_ts: this.newTs(), ...this.content(a) };
    this.ephemerals.push(e);
    return { ok: true, message_ts: e.message_ts };
  }

  /**
   * A trigger_id opens one view (`exchanged_trigger_id` afterwards). Expiry: the request
   * helpers (test/helpers/slackRequests.ts) start their trigger ids with the issue time in ms,
   * a stand-in convention, so a view opened more than 3 s after the click is `expired_trigger_id`,
   * as in Slack. Trigger ids of another shape never expire.
   */
  private openView(triggerId: string, view: Json): Json {
    if (this.usedTriggers.has(triggerId)) return fail('exchanged_trigger_id');
    const issued = /^(\d{13})\./.exec(triggerId)?.[1];
    if (issued && Date.now() - Number(issued) > this.triggerTtlMs) return fail('expired_trigger_id');
    this.usedTriggers.add(triggerId);
    const id = this.newId('V');
    this.views.push({ id, trigger_id: triggerId, view, at: Date.now() });
    return {
      ok: true,
      view: {
        id, team_id: this.ids.teamId, app_id: this.ids.appId, bot_id: this.ids.botId, ...view, state: { values: {} }, hash: `${Date.now()}.${id}`,
        root_view_id: id, previous_view_id: null, clear_on_close: !!view.clear_on_close, notify_on_close: !!view.notify_on_close,
      },
    };
  }
}
