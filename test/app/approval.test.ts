import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/store/sql/getRun.ts';
import { openTestDb, ENGINES, type TestDb } from '../helpers/db.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { triggerId } from '../helpers/slackRequests.ts';
import type { Route53StandIn } from '../standins/route53/server.ts';
import { startSlackStandIn, type SlackStandIn } from '../standins/slack/server.ts';
import { SLACK_CHANNELS } from '../helpers/configDir.ts';
import { awsCredentials, changes, roleOf, route53, runbookEdits, slackDir } from './runbookFixtures.ts';

type S = Awaited<ReturnType<typeof slackApp>>;
const ADA = 'U0ONCALL01'; // on-call, admin: the requester
const TUNDE = 'U0ENGLEAD1'; // admin
const NGOZI = 'U0CTO00001'; // cto
const EMEKA = 'U0SECLEAD1'; // security lead: no say in DNS

/** dns-failover approved by admin + cto, polling every 200 ms. */
const edits = (more: (d: Record<string, any>) => void = () => undefined) => runbookEdits((d) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  d.approvers = ['admin', 'cto'];
  d.steps[0].route53.poll = '200ms';
  d.steps[0].timeout = '10s';
  more(d);
});

describe.each(ENGINES)('Approve / Deny through signed Slack block_actions (%s)', (engine) => {
  let apps: S[] = [];
  let aws: Route53StandIn;
  let slack: SlackStandIn | undefined;
  let sharedDb: TestDb | undefined;
  beforeAll(awsCredentials);
  afterEach(async () => {
    for (const s of apps) s.slack.assertNoViolations();
    for (const s of apps) await s.close({ keepDb: true, keepSlack: true });
    await slack?.close();
    await sharedDb?.close();
    await aws.close();
    aws.assertNoViolations();
    apps = [];
    slack = undefined;
  });

  async function start(o: { replicas?: number; edit?: (d: Record<string, any>) => void } = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    aws = await route53();
    slack = await startSlackStandIn({ channels: [
      { id: SLACK_CHANNELS.announcements, name: 'incidents' }, { id: SLACK_CHANNELS.engineering, name: 'voxguard-incidents' },
      { id: SLACK_CHANNELS.alerts, name: 'voxguard-alerts' }, { id: SLACK_CHANNELS.general, name: 'general' },
    ] });
    sharedDb = await openTestDb(engine, 'approval');
    const configDir = slackDir(edits(o.edit));
    for (let i = 0; i < (o.replicas ?? 1); i++) {
      apps.push(await slackApp({ db: sharedDb, slack, configDir, instance: `replica-${'ab'[i]}`, env: { AWS_ENDPOINT_URL_ROUTE_53: aws.url } }));
    }
    const s = apps[0];
    await s.command('declare sev1 Lagos region unreachable', { user: ADA });
    // The card is posted once drbot has stored the channel (the channel alone may be seen earlier).
    const channel = await s.slack.waitFor((x) => x.channels.find((c) => c.name.startsWith('inc-') && x.messages(c.id).length > 0), 5000, 'incident channel with its card');
    return { s, channel: channel.id, members: channel.members };
  }

  const runMessage = (s: S, channel: string) => s.slack.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes('Run #1 · dns-failover'));
  const blocksOf = (s: S, channel: string) => JSON.stringify(runMessage(s, channel)?.blocks ?? []);
  async function request(s: S, channel: string) {
    const res = await (await s.command('run dns-failover', { user: ADA, channel })).json();
    // Under load the answer may come after Slack's 3 s as a follow-up ("Working on it…" first).
    expect(res.text).toMatch(/Requested run #1 \(dns-failover\): waiting for admin \+ cto to approve|Working on it/);
    await s.slack.waitFor(() => runMessage(s, channel), 5000, 'the approval request');
  }
  const ephemeral = (s: S, user: string, text: string) => s.slack.waitFor((x) => x.ephemerals.find((e) => e.user === user && (e.text ?? '').includes(text)), 5000, `ephemeral "${text}" to ${user}`);
  const status = async (s: S) => (await getRun(s.db, 1))?.status;

  it('the requester and a non-approver are refused (ephemeral); partial approval waits for the second group; the message shows who approved and the result', async () => {
    const { s, channel, members } = await start();
    members.push(EMEKA); // he joined the channel (Slack sends ephemerals only to members)
    await request(s, channel);
    expect(blocksOf(s, channel)).toContain('<@U0CTO00001>'); // cto is mentioned as an approver
    await s.press('approval.approve', '1', { user: ADA, channel });
    await ephemeral(s, ADA, 'You requested run #1 (dns-failover), so you cannot approve it');
    await s.press('approval.approve', '1', { user: EMEKA, channel });
    await ephemeral(s, EMEKA, 'Only members of admin, cto (contacts.yml) can approve run #1');
    await s.press('approval.approve', '1', { user: TUNDE, channel });
    await ephemeral(s, TUNDE, 'waiting for cto');
    await s.slack.waitFor(() => blocksOf(s, channel).includes('✓ admin: <@U0ENGLEAD1>'), 5000, 'admin approval shown');
    expect(await status(s)).toBe('awaiting_approval');
    expect(changes(aws)).toHaveLength(0);
    await s.press('approval.approve', '1', { user: NGOZI, channel });
    await s.slack.waitFor(() => blocksOf(s, channel).includes('✓ Succeeded'), 10_000, 'run succeeded');
    const shown = blocksOf(s, channel);
    expect(shown).toContain('✓ cto: <@U0CTO00001>');
    expect(shown).toContain('"action_id":"approval.rollback"');
    expect(roleOf(aws, 'abuja-secondary')).toBe('PRIMARY');
    expect(runMessage(s, channel)!.edits.length).toBeGreaterThan(1); // updated in place, never reposted
    expect(s.slack.messages(channel).filter((m) => JSON.stringify(m.blocks ?? []).includes('Run #1 · dns-failover'))).toHaveLength(1);
  });

  it('Deny stops it: nothing runs and later approvals are refused', async () => {
    const { s, channel } = await start();
    await request(s, channel);
    await s.press('approval.deny', '1', { user: NGOZI, channel });
    await s.slack.waitFor(() => blocksOf(s, channel).includes('Denied'), 5000, 'denied shown');
    expect(blocksOf(s, channel)).not.toContain('approval.approve');
    await s.press('approval.approve', '1', { user: TUNDE, channel });
    await ephemeral(s, TUNDE, 'is no longer waiting for approval: it is denied');
    expect(await status(s)).toBe('denied');
    expect(changes(aws)).toHaveLength(0);
  });

  it('an expired request cannot be approved', async () => {
    const { s, channel } = await start({ edit: (d) => void (d.expires = '1s') });
    await request(s, channel);
    await s.slack.waitFor(() => blocksOf(s, channel).includes('Expired without all approvals'), 5000, 'expired shown');
    await s.press('approval.approve', '1', { user: TUNDE, channel });
    await ephemeral(s, TUNDE, 'is no longer waiting for approval: it is expired');
    expect(changes(aws)).toHaveLength(0);
  });

  it('a double click and a Slack retry of the last approval run the change once', async () => {
    const { s, channel } = await start();
    await request(s, channel);
    await s.press('approval.approve', '1', { user: TUNDE, channel });
    await ephemeral(s, TUNDE, 'waiting for cto');
    const click = triggerId();
    await Promise.all([
      s.press('approval.approve', '1', { user: NGOZI, channel, trigger: click }),
      s.press('approval.approve', '1', { user: NGOZI, channel, trigger: click, retryNum: 1 }),
      s.press('approval.approve', '1', { user: NGOZI, channel }),
    ]);
    await s.slack.waitFor(() => blocksOf(s, channel).includes('✓ Succeeded'), 10_000, 'run succeeded');
    expect(changes(aws)).toHaveLength(1);
    const [{ n }] = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM approvals WHERE run_id = 1');
    expect(n).toBe(2);
    const actions = await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE kind = 'runbook_action'");
    expect(actions[0].n).toBe(1);
  });

  it.skipIf(engine === 'pglite')('two replicas on one PostgreSQL: the same click reaching both, and both approvers at once → one run', async () => {
    const { s, channel } = await start({ replicas: 2 });
    const [a, b] = apps;
    await request(s, channel);
    const click = triggerId();
    await Promise.all([
      a.press('approval.approve', '1', { user: TUNDE, channel, trigger: click }),
      b.press('approval.approve', '1', { user: TUNDE, channel, trigger: click }),
      b.press('approval.approve', '1', { user: NGOZI, channel }),
      a.press('approval.approve', '1', { user: NGOZI, channel }),
    ]);
    await s.slack.waitFor(() => blocksOf(s, channel).includes('✓ Succeeded'), 15_000, 'run succeeded');
    expect(changes(aws)).toHaveLength(1);
    const rows = await s.db.query<{ user_id: string; group_name: string }>('SELECT user_id, group_name FROM approvals WHERE run_id = 1 ORDER BY group_name');
    expect(rows).toEqual([{ user_id: TUNDE, group_name: 'admin' }, { user_id: NGOZI, group_name: 'cto' }]);
    const done = await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM run_actions WHERE run_id = 1");
    expect(done[0].n).toBe(1);
  });
});
