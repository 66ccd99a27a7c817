import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Named imports: under vitest a default import of @slack/bolt is `App` itself (CJS interop), under plain Node the module.
import { App, LogLevel, SocketModeReceiver, isValidSlackRequest, verifySlackRequest, webApi } from '@slack/bolt';
import {
  blockActionsBody, blockActionsPayload, postToDrbot, signSlackRequest, slashCommandBody, slashCommandPayload, triggerId, viewSubmissionBody,
} from '../helpers/slackRequests.ts';
import { startSlackStandIn, type SlackStandIn } from './slack/server.ts';
import { validateSlackCall } from './slack/validate.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

let s: SlackStandIn;
let client: WebClient;

/** The Slack error a WebClient call was refused with. */
async function slackError(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
  }
}

beforeEach(async () => {
  s = await startSlackStandIn({ channels: [{ id: 'C0ANNOUNCE', name: 'announcements', members: ['U0ALICE'] }] });
  client = new webApi.WebClient(s.botToken, { slackApiUrl: s.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});
afterEach(async () => {
  await s.close();
});

describe('Slack stand-in: Web API validation', () => {
  it('accepts a valid call and keeps the message', async () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const res = await client.chat.postMessage({
      channel: 'C0ANNOUNCE', text: 'SEV1 declared', unfurl_links: false,
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'INC-1' } }, { type: 'actions', elements: [{ type: 'button', action_id: 'incident.ack', value: 'INC-1', text: { type: 'plain_text', text: 'Ack' } }] }],
    });
    expect(res.ok).toBe(true);
    expect(s.messages('C0ANNOUNCE')).toMatchObject([{ ts: res.ts, text: 'SEV1 declared', blocks: [{ type: 'header' }, { type: 'actions' }] }]);
    expect(s.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(s.calls[0].args).toMatchObject({ channel: 'C0ANNOUNCE', unfurl_links: 'false' });
    s.assertNoViolations();
  });

  it('refuses a call missing a required argument the spec forgets to mark (hand-added rule)', async () => {
    const created = await client.conversations.create({ name: 'inc-1-lagos' });
    expect(await slackError(client.apiCall('conversations.invite', { channel: created.channel!.id }))).toBe('invalid_arguments');
    expect(s.violations).toEqual(["conversations.invite: missing required argument 'users'"]);
    expect(() => s.assertNoViolations()).toThrow(/missing required argument 'users'/);
  });

  it('refuses a wrong enum value and a wrong type', async () => {
    expect(await slackError(client.apiCall('chat.postMessage', { channel: 'C0ANNOUNCE', text: 'x', parse: 'sometimes' }))).toBe('invalid_arguments');
    expect(await slackError(client.apiCall('conversations.history', { channel: 'C0ANNOUNCE', limit: 'lots' }))).toBe('invalid_arguments');
    expect(s.violations).toEqual(["chat.postMessage: argument 'parse' must be one of none, full", "conversations.history: argument 'limit' must be integer"]);
    expect(s.messages('C0ANNOUNCE')).toEqual([]);
  });

  it('refuses blocks that are not a JSON array', async () => {
    expect(await slackError(client.apiCall('chat.postMessage', { channel: 'C0ANNOUNCE', text: 'x', blocks: '[{"type":' }))).toBe('invalid_arguments');
    expect(await slackError(client.apiCall('chat.postMessage', { channel: 'C0ANNOUNCE', text: 'x', blocks: '{"type":"divider"}' }))).toBe('invalid_arguments');
    expect(s.violations).toEqual([
      "chat.postMessage: argument 'blocks' is not valid JSON (it must be a JSON-encoded array)",
      "chat.postMessage: argument 'blocks' must be array",
    ]);
  });

  it('refuses an unknown method and an unknown argument', async () => {
    expect(await slackError(client.apiCall('chat.postMesage', { channel: 'C0ANNOUNCE', text: 'x' }))).toBe('unknown_method');
    expect(await slackError(client.apiCall('conversations.setTopic', { channel: 'C0ANNOUNCE', topic: 't', colour: 'red' }))).toBe('invalid_arguments');
    expect(s.violations).toEqual([
      "chat.postMesage: unknown method (not in Slack's description, nor hand-added)",
      "conversations.setTopic: unknown argument 'colour' (not in Slack's description of this method)",
    ]);
  });

  it('reads JSON bodies too, where Slack takes the token only from the Authorization header', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${s.url}chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) }).then((r) => r.json());
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    expect(await post({ authorization: `Bearer ${s.botToken}` }, { channel: 'C0ANNOUNCE', text: 'hi', blocks })).toMatchObject({ ok: true });
    expect(await post({}, { token: s.botToken, channel: 'C0ANNOUNCE', text: 'hi' })).toMatchObject({ ok: false, error: 'not_authed' });
    expect(s.violations).toEqual([
      "chat.postMessage: a JSON body cannot carry 'token'; send it as Authorization: Bearer",
      "chat.postMessage: no token (send Authorization: Bearer, or a 'token' form field)",
    ]);
  });

  it('checks Block Kit limits and drbot rules in messages and modals', () => {
    const button = (action_id?: string) => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, ...(action_id ? { action_id } : {}) });
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
      { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } },
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
      { type: 'actions', elements: [button('a'), button('a'), button()] },
    ];
    expect(validateSlackCall('chat.postMessage', { channel: 'C1', text: 'x', blocks: JSON.stringify(blocks) }).violations).toEqual([
      'chat.postMessage: blocks[0].text: text is 151 characters, the maximum is 150',
      'chat.postMessage: blocks[1].text: text is 3001 characters, the maximum is 3000',
      'chat.postMessage: blocks[2].fields: has 11 items, allowed 1..10',
      'chat.postMessage: blocks[3].elements[1]: action_id "a" is used twice in the same block',
      'chat.postMessage: blocks[3].elements[2]: DRBOT RULE: a button needs an action_id (drbot routes clicks by it)',
    ]);
    const many = JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'divider' })));
    expect(validateSlackCall('chat.update', { channel: 'C1', ts: '1.2', blocks: many }).violations).toEqual(['chat.update: blocks: has 51 items, allowed 0..50']);
    const view = { type: 'modal', title: { type: 'plain_text', text: 'Declare a new incident now' }, blocks: [{ type: 'input', label: { type: 'plain_text', text: 'Title' }, element: { type: 'plain_text_input', action_id: 't' } }] };
    expect(validateSlackCall('views.open', { trigger_id: 't', view: JSON.stringify(view) }).violations).toEqual([
      'views.open: view.title: text is 26 characters, the maximum is 24',
      'views.open: view: DRBOT RULE: a modal needs a callback_id (drbot routes submissions by it)',
      "views.open: view: a modal with input blocks needs 'submit'",
    ]);
    expect(validateSlackCall('chat.postEphemeral', { channel: 'C1', user: 'U1' }).violations).toEqual(["chat.postEphemeral: needs one of 'text', 'blocks' or 'attachments'"]);
  });
});

describe('Slack stand-in: answers like Slack', () => {
  it('name_taken, already_in_channel, channel_not_found, message_not_found, invalid_auth', async () => {
    const ch = (await client.conversations.create({ name: 'inc-7-abuja', is_private: false })).channel!;
    expect(ch.id).toMatch(/^C[A-Z0-9]+$/);
    expect(await slackError(client.conversations.create({ name: 'inc-7-abuja' }))).toBe('name_taken');
    expect(await slackError(client.conversations.create({ name: 'INC 7' }))).toBe('invalid_name_specials');
    await client.conversations.invite({ channel: ch.id!, users: 'U0ALICE,U0BOB' });
    expect(await slackError(client.conversations.invite({ channel: ch.id!, users: 'U0ALICE' }))).toBe('already_in_channel');
    await client.conversations.invite({ channel: ch.id!, users: 'U0ALICE,U0CAROL', force: true });
    expect(s.channels.find((c) => c.id === ch.id)!.members).toEqual(['U0STANDINBOT', 'U0ALICE', 'U0BOB', 'U0CAROL']);
    await client.conversations.setTopic({ channel: ch.id!, topic: 'SEV1 · Lagos unreachable' });
    expect(s.channelByName('inc-7-abuja')!.topic).toBe('SEV1 · Lagos unreachable');
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    const posted = await client.chat.postMessage({ channel: ch.id!, text: 'v1' });
    await client.chat.update({ channel: ch.id!, ts: posted.ts!, text: 'v2' });
    expect(s.messages(ch.id!)[0]).toMatchObject({ text: 'v2', edits: [{ text: 'v1' }] });
    expect(await slackError(client.chat.update({ channel: ch.id!, ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    await client.chat.postEphemeral({ channel: 'C0ANNOUNCE', user: 'U0ALICE', text: 'only you' });
    expect(s.ephemerals).toMatchObject([{ channel: 'C0ANNOUNCE', user: 'U0ALICE', text: 'only you' }]);
    const stranger = new webApi.WebClient('xoxb-wrong', { slackApiUrl: s.url, logLevel: LogLevel.ERROR, retryConfig: { retries: 0 } });
    expect(await slackError(stranger.auth.test())).toBe('invalid_auth');
    s.assertNoViolations();
  });

  it('opens a modal once per trigger_id, and not after the trigger expired', async () => {
    const view = { type: 'modal' as const, callback_id: 'declare', title: { type: 'plain_text' as const, text: 'Declare' }, blocks: [] };
    const t = triggerId();
    const res = await client.views.open({ trigger_id: t, view });
    expect(res.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'declare' });
    expect(await slackError(client.views.open({ trigger_id: t, view }))).toBe('exchanged_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: triggerId(Date.now() - 3500), view }))).toBe('expired_trigger_id');
    expect(s.views).toHaveLength(1);
    s.assertNoViolations();
  });

  it('answers HTTP 429 with Retry-After when told to, then normally', async () => {
    s.rateLimitNext('chat.postMessage', 7);
    const raw = await fetch(`${s.url}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${s.botToken}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'channel=C0ANNOUNCE&text=hi' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    s.rateLimitNext('chat.postMessage', 3);
    const err = await client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 'hi' }).catch((e: { code?: string; retryAfter?: number }) => e);
    expect(err).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 3 });
    expect((await client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 'hi' })).ok).toBe(true);
    expect(s.calls.map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('failNext, delayNext and waitFor', async () => {
    s.failNext('conversations.create', 'restricted_action');
    expect(await slackError(client.conversations.create({ name: 'inc-9' }))).toBe('restricted_action');
    s.delayNext('auth.test', 150);
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    void client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 'later' });
    const m = await s.waitFor((x) => x.messages('C0ANNOUNCE').find((msg) => msg.text === 'later'), 2000, 'the message');
    expect(m.ts).toMatch(/^\d+\.\d{6}$/);
    await expect(s.waitFor(() => false, 60, 'nothing')).rejects.toThrow(/waitFor\(nothing\) timed out after 60 ms[\s\S]*chat\.postMessage/);
  });

  it('its error answers, invalid_arguments included, match the description', async () => {
    expect(await slackError(client.apiCall('conversations.invite', { channel: 'C0ANNOUNCE' }))).toBe('invalid_arguments');
    expect(await slackError(client.chat.update({ channel: 'C0ANNOUNCE', ts: '1700000000.000001', text: 'x' }))).toBe('message_not_found');
    const posted = await client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 'x', blocks: [{ type: 'divider' }] });
    expect((await client.chat.update({ channel: 'C0ANNOUNCE', ts: posted.ts!, text: 'y', blocks: [{ type: 'divider' }] })).ok).toBe(true);
    expect(s.responseErrors).toEqual([]);
    expect(s.violations).toEqual(["conversations.invite: missing required argument 'users'"]);
  });

  it('checks its own answers against the description, and close() fails on a bad one', async () => {
    s.addChannel({ id: 'c-not-an-id', name: 'planted' }); // a stand-in bug, planted: Slack channel ids are C…, upper case
    expect((await client.chat.postMessage({ channel: 'c-not-an-id', text: 'hi' })).ok).toBe(true);
    expect(s.responseErrors).toEqual(['stand-in answer breaks the description: chat.postMessage: answer/channel must match pattern "^[CGD][A-Z0-9]{8,}$"']);
    expect(s.violations).toEqual(s.responseErrors);
    await expect(s.close()).rejects.toThrow(/Slack stand-in answered outside its description:\n.*answer\/channel must match pattern/);
    s.responseErrors.length = 0; // seen and expected: afterEach closes again
    s.violations.length = 0;
  });
});

describe('requests into drbot', () => {
  const secret = 'shh-signing-secret';

  it('signs the way Bolt verifies, and a tampered body fails', () => {
    const body = slashCommandBody({ text: 'declare sev1 Lagos down', user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE' });
    const h = signSlackRequest(secret, body);
    const headers = { 'x-slack-signature': h['x-slack-signature'], 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) };
    expect(() => verifySlackRequest({ signingSecret: secret, body, headers })).not.toThrow();
    expect(isValidSlackRequest({ signingSecret: secret, body: body.replace('sev1', 'sev4'), headers })).toBe(false);
    expect(isValidSlackRequest({ signingSecret: 'other', body, headers })).toBe(false);
    expect(h['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(Object.fromEntries(new URLSearchParams(body)))).toEqual([
      'token', 'team_id', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name', 'command', 'text', 'api_app_id', 'is_enterprise_install', 'response_url', 'trigger_id',
    ]);
  });

  it('a Bolt app over HTTP routes the helper bodies like Slack requests', async () => {
    const seen: string[] = [];
    const app = new App({ token: s.botToken, signingSecret: secret, clientOptions: { slackApiUrl: s.url }, logLevel: LogLevel.ERROR });
    app.command('/dr', async ({ command, ack }) => { seen.push(`command ${command.text} by ${command.user_id}`); await ack(); });
    app.action('incident.resolve', async ({ body, action, ack }) => { await ack(); seen.push(`action ${(action as { value: string }).value} in ${body.channel?.id}`); });
    app.view('declare', async ({ view, ack }) => { await ack(); seen.push(`view ${view.private_metadata} ${view.state.values.title.title.value}`); });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await postToDrbot(base, slashCommandBody({ text: 'status', user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE' }), { secret })).status).toBe(200);
      expect((await postToDrbot(base, blockActionsBody({ user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE', action_id: 'incident.resolve', value: 'INC-1' }), { secret })).status).toBe(200);
      expect((await postToDrbot(base, viewSubmissionBody({ user_id: 'U0ALICE', callback_id: 'declare', private_metadata: 'INC-2', values: { title: 'Lagos down' } }), { secret })).status).toBe(200);
      expect((await postToDrbot(base, slashCommandBody({ text: 'old', user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE' }), { secret, timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
      expect(seen).toEqual(['command status by U0ALICE', 'action INC-1 in C0ANNOUNCE', 'view INC-2 Lagos down']);
    } finally {
      await app.stop();
    }
    expect(s.calls.map((c) => c.method)).toContain('auth.test');
    s.assertNoViolations();
  });

  it('Socket Mode: apps.connections.open, hello, envelopes and acks', async () => {
    const receiver = new SocketModeReceiver({ appToken: s.appToken, logLevel: LogLevel.ERROR, installerOptions: { clientOptions: { slackApiUrl: s.url } } });
    const app = new App({ token: s.botToken, receiver, clientOptions: { slackApiUrl: s.url }, logLevel: LogLevel.ERROR });
    app.command('/dr', async ({ command, ack }) => ack({ response_type: 'ephemeral', text: `got ${command.text}` }));
    app.action('incident.ack', async ({ ack }) => ack());
    await app.start();
    try {
      expect(s.socketConnections).toBe(1);
      const cmd = await s.socketSend({ type: 'slash_commands', payload: slashCommandPayload({ text: 'status', user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE' }) });
      expect(cmd).toMatchObject({ envelope_id: expect.any(String), payload: { response_type: 'ephemeral', text: 'got status' } });
      const click = await s.socketSend({ type: 'interactive', payload: blockActionsPayload({ user_id: 'U0ALICE', channel_id: 'C0ANNOUNCE', action_id: 'incident.ack', value: 'INC-1' }) });
      expect(click.envelope_id).toEqual(expect.any(String));
    } finally {
      await app.stop();
    }
    expect(s.calls.find((c) => c.method === 'apps.connections.open')).toMatchObject({ status: 200 });
    // app.stop() resolves before the close handshake is over.
    await s.waitFor((x) => x.socketConnections === 0, 2000, 'the socket to close');
    await expect(s.socketSend({ type: 'slash_commands', payload: {} })).rejects.toThrow(/no Socket Mode connection/);
    s.assertNoViolations();
  });
});
