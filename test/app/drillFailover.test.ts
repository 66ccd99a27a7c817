/**
 * The failover drill end to end (issue 13): `dns-failover-drill` against the Slack, PagerDuty,
 * SMTP, Route 53 and GitHub stand-ins, with a manual clock that the Slack and Route 53 stand-ins
 * also read, so each call they record carries the instant drbot made it. Route 53 holds the
 * production record sets (app.voxguard.ng failover, api.voxguard.ng weighted) next to the drill
 * record set (drill.app.voxguard.ng); only the drill record set may change.
 */
import { Agent } from 'node:https';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { getRun } from '../../src/store/sql/getRun.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { testApp } from '../helpers/app.ts';
import { ManualClock } from '../helpers/clock.ts';
import { slackConfigDir, SLACK_CHANNELS } from '../helpers/configDir.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github/server.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';
import { startRoute53StandIn, type Route53StandIn, type RRSet } from '../standins/route53/server.ts';
import { startSlackStandIn, type SlackCall, type SlackStandIn } from '../standins/slack/server.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';
import { awsCredentials, failoverRecords, HC, runbookEdits, weightedRecords, ZONE } from './runbookFixtures.ts';

const T0 = new Date('2026-11-24T09:00:00Z').getTime(); // 10:00 WAT
const ROUTING_KEY = 'R0UTINGKEY0123456789012345678901';
const ADA = 'U0ONCALL01'; // on-call, requests the run
const TUNDE = 'U0ENGLEAD1'; // admin, approves it
/** The SEV-2 chain compressed to seconds; the response SLA 20 s. */
const CHAIN: Record<string, number> = { 'page-oncall': 0, 'slack-engineering': 5, 'email-lead': 10, 'slack-eta': 15 };

/** The drill record set: the production failover pair under the drill name (same load balancers and health checks). */
const drillRecords = (): RRSet[] => failoverRecords().map((r) => ({ ...r, Name: 'drill.app.voxguard.ng.' }));
const production = (aws: Route53StandIn) => JSON.stringify(aws.zones.get(ZONE)!.records.filter((r) => !r.Name.startsWith('drill.')));
const drillRole = (aws: Route53StandIn, id: string) => aws.zones.get(ZONE)!.records.find((r) => r.Name === 'drill.app.voxguard.ng.' && r.SetIdentifier === id)?.Failover;
type Change = { Action: string; ResourceRecordSet: RRSet };
const batchOf = (c: { input: Record<string, unknown> }) => (c.input.ChangeBatch as { Changes: Change[] }).Changes;

/** A report time as the report prints it (WAT is UTC+1 all year). */
const wat = (ms: number) => new Date(ms + 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
const secs = (ms: number) => `${ms / 1000}s`;
/** The Steps table of the report, by step label. */
function stepRows(md: string): Map<string, string[]> {
  const table = md.slice(md.indexOf('## Steps'), md.indexOf('## Action items'));
  const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Step ') && !l.startsWith('|--'));
  return new Map(rows.map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''))).map((c) => [c[0], c.slice(1)]));
}

describe('a DNS failover drill end to end against the stand-ins (manual clock)', () => {
  let t: Awaited<ReturnType<typeof testApp>> | undefined;
  let slack: SlackStandIn | undefined;
  let aws: Route53StandIn | undefined;
  let pd: PagerDutyStandIn | undefined;
  let gh: GitHubStandIn | undefined;
  beforeAll(awsCredentials);
  afterEach(async () => {
    slack?.assertNoViolations();
    aws?.assertNoViolations();
    pd?.assertNoViolations();
    gh?.assertNoViolations();
    await t?.close();
    await slack?.close();
    await aws?.close();
    await pd?.close?.();
    await gh?.close();
    await closeSmtpServers();
  });

  async function start() {
    const clock = new ManualClock(new Date(T0));
    const now = () => clock.now().getTime();
    slack = await startSlackStandIn({ now, channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })) });
    aws = await startRoute53StandIn({ now });
    aws.zones.set(ZONE, { name: 'voxguard.ng.', records: [...failoverRecords(), ...weightedRecords(), ...drillRecords()] });
    aws.setHealth(HC.lagos, false);
    aws.setHealth(HC.synthetic, false);
    aws.setHealth(HC.abuja, true);
    pd = await PagerDutyStandIn.start({ apiToken: 'pd-api-token-0001' });
    gh = await startGitHubStandIn({ owner: 'voxguard', repo: 'incidents', token: 'ghp_test' });
    const smtp = await startSmtp();
    const edits = runbookEdits() ?? {};
    t = await testApp({
      clock,
      chat: null, // the Slack adapter, against the Slack stand-in
      configDir: slackConfigDir({
        ...edits,
        'drbot.yml': (d) => {
          edits['drbot.yml']!(d);
          d.severities.sev2.response_sla = '20s';
        },
        'notifications/sev2.yml': (d) => {
          for (const s of d.steps) s.at = `${CHAIN[s.id]}s`;
        },
      }),
      env: {
        SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.url, SLACK_SIGNING_SECRET: 'test-signing-secret-8f2c1d',
        AWS_ENDPOINT_URL_ROUTE_53: aws.url,
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_API_URL: pd.url, PAGERDUTY_API_TOKEN: 'pd-api-token-0001',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'drbot <drbot@voxguard.example>',
        GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'voxguard/incidents', GITHUB_API_URL: gh.url,
      },
      pagerAgent: new Agent({ ca: pd.caPem }),
    });
    return { t, slack, aws, pd, gh, smtp, clock };
  }
  const at = async (s: number) => {
    t!.clock.set(new Date(T0 + s * 1000));
    await t!.drain();
  };
  let seq = 0;
  const press = (action: string, value: string, user: string, channelId?: string) =>
    t!.app.handlers.button({ requestKey: `press-${++seq}`, userId: user, channelId, action, value });
  /** The Slack post of a chain step: the one whose Received button names it. */
  const postOf = (stepId: string): SlackCall | undefined =>
    slack!.calls.find((c) => c.method === 'chat.postMessage' && !c.error && JSON.stringify(c.args.blocks ?? []).includes(`"1:${stepId}"`));

  it('changes only drill.app.voxguard.ng (approved, INSYNC, verified), refuses the production record in words, and reports against the stand-ins\' clocks', async () => {
    const { t, slack, aws, pd, gh, smtp } = await start();
    const before = production(aws);

    expect((await t.dr('drill dns-failover-drill', ADA)).refused).toBeFalsy();
    await at(0);
    const i = (await getIncident(t.db, 1))!;
    expect(i).toMatchObject({ mode: 'drill', declaredAt: new Date(T0) });
    const channel = i.channelId!;
    expect(slack.channels.find((c) => c.id === channel)?.name).toContain('drill');

    // Typing the production record is refused in words, and nothing reaches Route 53.
    await at(1);
    for (const typed of ['run dns-failover name=app.voxguard.ng', 'run dns-failover name=app.voxguard.ng --dry-run', 'run dns-failover name=app.voxguard.ng from=lagos-primary to=abuja-secondary']) {
      const r = await t.dr(typed, ADA, channel);
      expect(r.refused, typed).toBe(true);
      expect(r.message?.fallback).toContain('INC-1 is a drill: dns-failover runs only against its drill targets (name=drill.app.voxguard.ng from=lagos-primary to=abuja-secondary), not name=app.voxguard.ng. Nothing was run.');
    }
    await t.drain();
    expect(aws.calls).toEqual([]);
    const [{ n: runsAfterRefusal }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM runs');
    expect(runsAfterRefusal).toBe(0);

    // The drill's own run: on the drill record set, through the approval flow.
    const requested = await t.dr('run dns-failover', ADA, channel);
    expect(requested.message?.fallback).toContain('Requested run #1 (dns-failover): waiting for admin to approve');
    await t.drain();
    expect((await getRun(t.db, 1))).toMatchObject({ status: 'awaiting_approval', params: { name: 'drill.app.voxguard.ng' } });
    const request = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === channel && String(c.args.text).includes('Run #1 '))!;
    expect(String(request.args.text)).toMatch(/^\[DRILL\] /);
    expect(JSON.stringify(request.args.blocks)).toContain('drill.app.voxguard.ng A failover abuja-secondary=PRIMARY, lagos-primary=SECONDARY');
    expect(aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toEqual([]);
    expect((await press('approval.approve', '1', ADA, channel)).refused).toBe(true); // the requester cannot approve

    await at(2);
    expect((await press('approval.approve', '1', TUNDE, channel)).message?.fallback).toContain('Approved run #1 dns-failover for admin');
    await t.drain();
    for (let s = 3; s <= 4; s++) await at(s); // INSYNC polls, 1 s apart

    // Route 53 saw one change batch, and only for the drill record set.
    const changes = aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
    expect(changes).toHaveLength(1);
    expect(changes[0].error).toBeUndefined();
    expect(new Set(batchOf(changes[0]).map((c) => c.ResourceRecordSet.Name))).toEqual(new Set(['drill.app.voxguard.ng.']));
    for (const c of aws.calls.filter((x) => x.operation === 'ListResourceRecordSets')) expect(c.input.StartRecordName).toBe('drill.app.voxguard.ng.');
    expect(production(aws)).toBe(before);
    expect([drillRole(aws, 'abuja-secondary'), drillRole(aws, 'lagos-primary')]).toEqual(['PRIMARY', 'SECONDARY']);
    // INSYNC was waited for, then the records were read back (verified).
    const changeId = (changes[0].output!.ChangeInfo as { Id: string }).Id.replace('/change/', '');
    const polls = aws.calls.filter((c) => c.operation === 'GetChange');
    expect(polls.length).toBeGreaterThan(0);
    for (const p of polls) expect(p.input.Id).toBe(changeId);
    const insync = polls.find((p) => (p.output!.ChangeInfo as { Status: string }).Status === 'INSYNC')!;
    expect(insync).toBeDefined();
    expect(polls.slice(0, polls.indexOf(insync)).every((p) => (p.output!.ChangeInfo as { Status: string }).Status === 'PENDING')).toBe(true);
    const verify = aws.calls.slice(aws.calls.indexOf(insync) + 1).find((c) => c.operation === 'ListResourceRecordSets');
    expect(verify?.at).toBe(insync.at);
    const run = (await getRun(t.db, 1))!;
    expect(run.status).toBe('succeeded');
    expect(run.finishedAt!.getTime()).toBe(insync.at);

    // The rest of the chain, at uneven ticks: each step is as late as the tick that ran it.
    const pdIncident = pd.acknowledge('drbot-INC-1', 'Ada Okafor');
    pdIncident.acknowledgements[0].at = new Date(T0 + 6_000); // acknowledged in PagerDuty at T+6s
    const pdAck = pdIncident.acknowledgements[0].at;
    for (const s of [7, 9, 12, 18, 19]) {
      await at(s);
      if (s === 9) await press('drill.received', '1:slack-engineering', 'U0ENGLEAD1');
      if (s === 19) await press('drill.received', '1:slack-eta', 'U0CTO00001');
    }
    // After the run, the production record is still refused, and Route 53 hears nothing of it.
    const callsSoFar = aws.calls.length;
    expect((await t.dr('run dns-failover name=app.voxguard.ng', ADA, channel)).refused).toBe(true);
    await t.drain();
    expect(aws.calls).toHaveLength(callsSoFar);

    await at(21);
    const end = await t.dr('drill end rpo=0s the drill record set failed over to Abuja', ADA, channel);
    expect(end.refused, end.message?.fallback).toBeFalsy();
    await t.drain();
    const endedAt = T0 + 21_000;

    const steps = await listSteps(t.db, 1);
    const report = steps.find((s) => s.kind === 'drill_report')!;
    expect(report.status, report.lastError ?? '').toBe('done');
    const md = gh.files('drill/inc-1')!['docs/drills/2026-11-24-inc-1-dns-failover-drill.md'];
    const rows = stepRows(md);

    // Slack steps: planned from the chain, sent when the Slack stand-in received the post, confirmed at the Received press.
    const received: Record<string, number> = { 'slack-engineering': T0 + 9_000, 'slack-eta': T0 + 19_000 };
    for (const [stepId, label] of [['slack-engineering', 'Slack #engineering → engineering team'], ['slack-eta', 'Slack update with ETA']]) {
      const post = postOf(stepId)!;
      expect(post, stepId).toBeDefined();
      expect(post.args.channel).toBe(SLACK_CHANNELS.engineering);
      const planned = T0 + CHAIN[stepId] * 1000;
      expect(rows.get(label)!.slice(0, 5), stepId).toEqual([wat(planned), wat(post.at), wat(received[stepId]), secs(post.at - planned), 'on time']);
    }
    // The page: confirmed when PagerDuty (the stand-in) recorded the acknowledgement.
    expect(rows.get('PagerDuty → on-call engineer')!.slice(0, 5)).toEqual([wat(T0), wat(T0), wat(pdAck.getTime()), '0s', 'on time']);
    // The email went out at the first tick after T+10s (12 s), and reached the SMTP stand-in marked DRILL.
    expect(rows.get('Email → engineering lead')!.slice(0, 5)).toEqual([wat(T0 + 10_000), wat(T0 + 12_000), '—', '2s', 'on time']);
    expect(smtp.received.some((m) => m.mail.subject?.startsWith('[DRILL] ') && m.rcptTo.includes('tunde.bello@voxguard.example'))).toBe(true);

    // Recovery, from the Route 53 stand-in's clock: recovered when the change was INSYNC and verified.
    const recovered = secs(insync.at - T0);
    expect(md).toContain(`**Time to recover:** ${recovered} (run #1 dns-failover succeeded)`);
    expect(md).toContain(`| RTO achieved | \\< 4h | ${recovered} (run #1 dns-failover succeeded) | PASS |`);
    expect(md).toContain('| All notified within SLA | every chain step sent and confirmed within 20s | 4 of 4 on time | PASS |');
    expect(md).toContain('| RPO achieved | \\< 1h data loss | 0s data loss | PASS |');
    expect(md).toContain('| All health checks pass | 100% | 1 of 1 verified run(s) passed (#1 dns-failover succeeded) | PASS |');
    expect(md).toContain('**Outcome:** PASSED: every success criterion was met');
    const postLateness = ['slack-engineering', 'slack-eta'].map((s) => postOf(s)!.at - T0 - CHAIN[s] * 1000);
    expect(report.result).toMatchObject({ latenessP99Ms: Math.max(2_000, ...postLateness), timeToRecoverMs: insync.at - T0 });
    expect(md).toContain(`**Ended:** ${wat(endedAt).slice(0, 16)}`);
    expect(slack.messages(channel).some((m) => String(m.text).includes('Drill report of INC-1'))).toBe(true);

    // Production never changed; every Route 53 change named the drill record set.
    expect(production(aws)).toBe(before);
    expect(aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets').flatMap(batchOf).every((c) => c.ResourceRecordSet.Name === 'drill.app.voxguard.ng.')).toBe(true);
  });
});
