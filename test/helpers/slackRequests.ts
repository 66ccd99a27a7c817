import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests INTO drbot exactly as Slack sends them: signed (v0 HMAC-SHA256), form-encoded.
 *
 * HAND-WRITTEN SHAPES: Slack publishes no schema for the slash-command body or the
 * `block_actions` / `view_submission` payloads (slackapi/slack-api-specs has none). The fields
 * below follow Slack's reference pages — "Slash commands" (the request body table),
 * docs.slack.dev/reference/interaction-payloads/block_actions-payload and
 * …/view-interactions-payload — and Bolt's own typings of them (SlashCommand, BlockAction,
 * ViewSubmitAction). The same objects serve Socket Mode: pass the `…Payload` result as an
 * envelope's `payload` (standIn.socketSend({ type: 'slash_commands', payload })).
 */
export const SLACK_DEFAULTS = {
  team_id: 'T0STANDIN',
  team_domain: 'standin',
  api_app_id: 'A0STANDIN',
  /** The deprecated verification token Slack still puts in every body. */
  token: 'standin-verification-token',
  command: '/dr',
};

/**
 * A trigger id shaped like Slack's (`<digits>.<digits>.<hex>`). The first part is the issue time
 * in ms: a stand-in convention that lets the Slack stand-in answer `expired_trigger_id` to a
 * views.open more than 3 s later, as Slack does.
 */
export function triggerId(issuedAtMs = Date.now()): string {
  return `${issuedAtMs}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
}

/** Slack's request signature headers for `rawBody` (https://api.slack.com/authentication/verifying-requests-from-slack). */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
  return {
    'x-slack-signature': signature,
    'x-slack-request-timestamp': String(timestampSeconds),
    // Slack sends commands and interactivity form-encoded, Events API callbacks as JSON.
    'content-type': rawBody.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
  };
}

export interface SlashCommandFields {
  text: string;
  user_id: string;
  channel_id: string;
  trigger_id?: string;
  team_id?: string;
  team_domain?: string;
  channel_name?: string;
  user_name?: string;
  command?: string;
  api_app_id?: string;
  response_url?: string;
  token?: string;
  is_enterprise_install?: boolean;
  enterprise_id?: string;
  enterprise_name?: string;
}

/** Every field Slack posts for a slash command (all strings, as in the form body). */
export function slashCommandPayload(f: SlashCommandFields): Record<string, string> {
  const team_id = f.team_id ?? SLACK_DEFAULTS.team_id;
  const out: Record<string, string> = {
    token: f.token ?? SLACK_DEFAULTS.token,
    team_id,
    team_domain: f.team_domain ?? SLACK_DEFAULTS.team_domain,
    channel_id: f.channel_id,
    channel_name: f.channel_name ?? (f.channel_id.startsWith('D') ? 'directmessage' : 'general'),
    user_id: f.user_id,
    user_name: f.user_name ?? f.user_id.toLowerCase(),
    command: f.command ?? SLACK_DEFAULTS.command,
    text: f.text,
    api_app_id: f.api_app_id ?? SLACK_DEFAULTS.api_app_id,
    is_enterprise_install: String(f.is_enterprise_install ?? false),
    response_url: f.response_url ?? `https://hooks.slack.com/commands/${team_id}/${Date.now()}/${randomBytes(12).toString('hex')}`,
    trigger_id: f.trigger_id ?? triggerId(),
  };
  if (f.enterprise_id) Object.assign(out, { enterprise_id: f.enterprise_id, enterprise_name: f.enterprise_name ?? '' });
  return out;
}

/** The raw application/x-www-form-urlencoded body of a slash command. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(f)).toString();
}

export interface BlockActionsFields {
  user_id: string;
  channel_id: string;
  action_id: string;
  value: string;
  message_ts?: string;
  trigger_id?: string;
  user_name?: string;
  channel_name?: string;
  block_id?: string;
  /** The message the button sits in (its `blocks`), as Slack echoes it back. */
  message_blocks?: unknown[];
  button_text?: string;
  team_id?: string;
}

/** A `block_actions` payload for a button pressed in a channel message. */
export function blockActionsPayload(f: BlockActionsFields): Record<string, unknown> {
  const team_id = f.team_id ?? SLACK_DEFAULTS.team_id;
  const message_ts = f.message_ts ?? `${Math.floor(Date.now() / 1000)}.000100`;
  const name = f.user_name ?? f.user_id.toLowerCase();
  return {
    type: 'block_actions',
    user: { id: f.user_id, username: name, name, team_id },
    api_app_id: SLACK_DEFAULTS.api_app_id,
    token: SLACK_DEFAULTS.token,
    container: { type: 'message', message_ts, channel_id: f.channel_id, is_ephemeral: false },
    trigger_id: f.trigger_id ?? triggerId(),
    team: { id: team_id, domain: SLACK_DEFAULTS.team_domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channel_id, name: f.channel_name ?? 'incident' },
    message: { type: 'message', user: 'U0STANDINBOT', bot_id: 'B0STANDIN', ts: message_ts, text: '', blocks: f.message_blocks ?? [], team: team_id },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${team_id}/${Date.now()}/${randomBytes(12).toString('hex')}`,
    actions: [{
      type: 'button', block_id: f.block_id ?? randomBytes(3).toString('base64url'), action_id: f.action_id, value: f.value,
      text: { type: 'plain_text', text: f.button_text ?? f.action_id, emoji: true }, action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    }],
  };
}

/** The raw form body `payload=<json>` of a button press. */
export function blockActionsBody(f: BlockActionsFields): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(f)) }).toString();
}

/** One input's state as Slack reports it in `view.state.values[block_id][action_id]`. */
export type SlackStateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'static_select'; selected_option: { text: { type: 'plain_text'; text: string; emoji?: boolean }; value: string } | null }
  | { type: 'multi_static_select' | 'checkboxes'; selected_options: { text: { type: 'plain_text' | 'mrkdwn'; text: string }; value: string }[] }
  | { type: string; [k: string]: unknown };

export interface ViewSubmissionFields {
  user_id: string;
  callback_id: string;
  private_metadata: string;
  /**
   * `view.state.values`. A plain string / string[] per block is a shortcut for a text input /
   * multi-select whose action_id equals its block_id (how drbot builds its forms).
   */
  values: Record<string, string | string[] | null | Record<string, SlackStateValue>>;
  view_id?: string;
  trigger_id?: string;
  user_name?: string;
  team_id?: string;
  title?: string;
  /** The view's blocks, echoed back as Slack does (optional). */
  blocks?: unknown[];
}

function stateValues(values: ViewSubmissionFields['values']): Record<string, Record<string, SlackStateValue>> {
  const out: Record<string, Record<string, SlackStateValue>> = {};
  for (const [blockId, v] of Object.entries(values)) {
    if (typeof v === 'string' || v === null) out[blockId] = { [blockId]: { type: 'plain_text_input', value: v } };
    else if (Array.isArray(v)) {
      out[blockId] = { [blockId]: { type: 'multi_static_select', selected_options: v.map((value) => ({ text: { type: 'plain_text', text: value }, value })) } };
    } else out[blockId] = v;
  }
  return out;
}

/** A `view_submission` payload for a submitted modal. */
export function viewSubmissionPayload(f: ViewSubmissionFields): Record<string, unknown> {
  const team_id = f.team_id ?? SLACK_DEFAULTS.team_id;
  const id = f.view_id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`;
  const name = f.user_name ?? f.user_id.toLowerCase();
  return {
    type: 'view_submission',
    team: { id: team_id, domain: SLACK_DEFAULTS.team_domain },
    user: { id: f.user_id, username: name, name, team_id },
    api_app_id: SLACK_DEFAULTS.api_app_id,
    token: SLACK_DEFAULTS.token,
    trigger_id: f.trigger_id ?? triggerId(),
    view: {
      id, team_id, type: 'modal', blocks: f.blocks ?? [], private_metadata: f.private_metadata, callback_id: f.callback_id,
      state: { values: stateValues(f.values) },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: f.title ?? 'drbot', emoji: true }, clear_on_close: false, notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true }, submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null, root_view_id: id, app_id: SLACK_DEFAULTS.api_app_id, external_id: '', app_installed_team_id: team_id, bot_id: 'B0STANDIN',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The raw form body `payload=<json>` of a modal submission. */
export function viewSubmissionBody(f: ViewSubmissionFields): string {
  return new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload(f)) }).toString();
}

export interface PostOptions {
  secret: string;
  /** Sets `x-slack-retry-num` (and `x-slack-retry-reason`), as on a delivery Slack repeats. */
  retryNum?: number;
  retryReason?: string;
  /** Seconds since the epoch to sign with (default: now); an old one tests replay refusal. */
  timestamp?: number;
}

/** Signs `body` and POSTs it to `${baseUrl}/slack/events`, like Slack's servers do. */
export async function postToDrbot(baseUrl: string, body: string, o: PostOptions): Promise<Response> {
  const headers: Record<string, string> = { ...signSlackRequest(o.secret, body, o.timestamp), 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' };
  if (o.retryNum !== undefined) Object.assign(headers, { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': o.retryReason ?? 'http_timeout' });
  return fetch(`${baseUrl.replace(/\/+$/, '')}/slack/events`, { method: 'POST', headers, body });
}
