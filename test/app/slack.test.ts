import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { SLACK_CHANNELS } from '../helpers/configDir.ts';
import { postToDrbot, slashCommandBody, triggerId } from '../helpers/slackRequests.ts';
import { slackApp, SIGNING_SECRET } from '../helpers/slackApp.ts';

type S = Awaited<ReturnType<typeof slackApp>>;
const count = async (s: S, table: string) => (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('Slack over HTTP, against the Slack stand-in (every call checked against Slack\'s OpenAPI description)', () => {
  let s: S;
  afterEach(async () => {
    s.slack.assertNoViolations();
    await s.close();
  });

  it('a signed /dr declare is acked at once, then the channel, the card and the announcement appear', async () => {
    s = await slackApp();
    const started = Date.now();
    const res = await s.command('declare sev1 Lagos region unreachable');
    const ackMs = Date.now() - started;
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('INC-1 declared');
    expect(ackMs).toBeLessThan(3000);
    const channel = await s.slack.waitFor((x) => x.channels.find((c) => c.name.startsWith('inc-') && c.name.endsWith('-lagos-region-unreachable')), 5000, 'incident channel');
    await s.slack.waitFor(() => ['U0ONCALL01', 'U0ENGLEAD1'].every((u) => channel.members.includes(u)), 5000, 'declarer and responders invited');
    const card = await s.slack.waitFor((x) => x.messages(channel.id)[0], 5000, 'card');
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toContain('INC-1 · SEV-1 · Lagos region unreachable');
    expect(blocks).toContain('"action_id":"incident.resolve"');
    const announcement = await s.slack.waitFor((x) => x.messages(SLACK_CHANNELS.announcements)[0], 5000, 'announcement');
    expect(JSON.stringify(announcement.blocks)).toContain(`<#${channel.id}>`);
    expect(channel.topic).toBe('INC-1 · SEV-1 · Lagos region unreachable');
  });

  it('a Slack retry of the same request declares once; a bad signature is refused with 401 and stores nothing', async () => {
    s = await slackApp();
    const trigger = triggerId();
    const first = await s.command('declare sev2 DB degraded', { trigger });
    const retry = await s.command('declare sev2 DB degraded', { trigger, retryNum: 1 });
    expect((await retry.json()).text).toBe((await first.json()).text);
    const body = slashCommandBody({ text: 'declare sev1 forged', user_id: 'U0EVIL', channel_id: SLACK_CHANNELS.general });
    expect((await postToDrbot(s.base, body, { secret: 'wrong-secret-123' })).status).toBe(401);
    expect((await postToDrbot(s.base, body, { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    await s.slack.waitFor((x) => x.channels.find((c) => c.name.endsWith('db-degraded')), 5000, 'channel');
    expect(await count(s, 'incidents')).toBe(1);
    expect(s.slack.calls.filter((c) => c.method === 'conversations.create')).toHaveLength(1);
  });

  it('bad input gets an ephemeral answer with the usage line and changes nothing', async () => {
    s = await slackApp();
    const res = await (await s.command('declare sev9 Lagos down')).json();
    expect(res.response_type).toBe('ephemeral');
    expect(res.text).toContain('Unknown severity `sev9`');
    expect(JSON.stringify(res.blocks)).toContain('Usage: ');
    expect(await count(s, 'incidents')).toBe(0);
  });

  it('mentions in a title are shown, never broadcast', async () => {
    s = await slackApp();
    await s.command('declare sev3 <!channel> <!here> <@U0CTO00001> cache cold');
    const channel = await s.slack.waitFor((x) => x.channels.find((c) => c.name.startsWith('inc-')), 5000, 'channel');
    const card = await s.slack.waitFor((x) => x.messages(channel.id)[0], 5000, 'card');
    await s.slack.waitFor((x) => x.messages(SLACK_CHANNELS.announcements)[0], 5000, 'announcement');
    const all = JSON.stringify([card, ...s.slack.messages(SLACK_CHANNELS.announcements), channel.topic]);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<@U0CTO00001>');
    expect(all).toContain('&lt;!channel&gt;');
  });

  it('buttons: Take command updates the card in place; Resolve opens a form', async () => {
    s = await slackApp();
    await s.command('declare sev2 DB degraded', { user: 'U0ONCALL01' });
    const channel = await s.slack.waitFor((x) => x.channels.find((c) => c.name.startsWith('inc-')), 5000, 'channel');
    const card = await s.slack.waitFor((x) => x.messages(channel.id)[0], 5000, 'card');
    const res = await s.press('incident.take_command', '1', { user: 'U0ENGLEAD1', channel: channel.id, message_ts: card.ts });
    expect(res.status).toBe(200);
    await s.slack.waitFor((x) => x.calls.some((c) => c.method === 'chat.update' && JSON.stringify(c.args.blocks).includes('<@U0ENGLEAD1>')), 5000, 'card updated with the new commander');
    const update = s.slack.calls.filter((c) => c.method === 'chat.update').at(-1)!;
    expect(update.args.ts).toBe(card.ts);
    expect((await getIncident(s.db, 1))?.commander).toBe('U0ENGLEAD1');
    await s.press('incident.resolve', '1', { user: 'U0ENGLEAD1', channel: channel.id });
    const view = await s.slack.waitFor((x) => x.views[0], 5000, 'resolve form');
    expect(JSON.stringify(view)).toContain('incident.resolve');
  });
});

describe('Slack over Socket Mode (SLACK_APP_TOKEN), against the stand-in\'s socket', () => {
  it('a /dr declare over the socket is acked with the answer and declares', async () => {
    const { startSlackStandIn } = await import('../standins/slack/server.ts');
    const { slashCommandPayload } = await import('../helpers/slackRequests.ts');
    const slack = await startSlackStandIn({ channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })) });
    const s = await slackApp({ slack, env: { SLACK_APP_TOKEN: slack.appToken, SLACK_SIGNING_SECRET: '' } });
    try {
      await slack.waitFor((x) => x.socketConnections > 0, 5000, 'socket connected');
      const ack = await slack.socketSend({ type: 'slash_commands', payload: slashCommandPayload({ text: 'declare sev2 Socket DB slow', user_id: 'U0ONCALL01', channel_id: SLACK_CHANNELS.general }) });
      expect(JSON.stringify(ack.payload)).toContain('INC-1 declared');
      await slack.waitFor((x) => x.channels.find((c) => c.name.endsWith('socket-db-slow')), 5000, 'channel');
      slack.assertNoViolations();
    } finally {
      await s.close();
      await slack.close();
    }
  });
});
