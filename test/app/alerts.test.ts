import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from '../../src/adapters/alertmanager/webhook.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { getRun } from '../../src/store/sql/getRun.ts';
import { listRunActions } from '../../src/store/sql/listRunActions.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { stepsSettled } from '../helpers/settle.ts';
import type { Route53StandIn } from '../standins/route53/server.ts';
import { awsCredentials, changes, HC, route53, runbookEdits, slackDir } from './runbookFixtures.ts';

type S = Awaited<ReturnType<typeof slackApp>>;
const TOKEN = 'alerts-token-0123456789abcdef';

/** An Alertmanager webhook (version 4), as Alertmanager posts it. */
function webhook(alerts: { name: string; labels?: Record<string, string>; status?: 'firing' | 'resolved'; fingerprint?: string; summary?: string }[], groupKey = '{}:{alertname="PodCrashLooping"}') {
  return {
    version: '4', groupKey, truncatedAlerts: 0, status: alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing', receiver: 'drbot',
    groupLabels: { alertname: alerts[0].name }, commonLabels: { alertname: alerts[0].name }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.name, severity: 'critical', namespace: 'voxguard-prod', ...a.labels },
      annotations: { summary: a.summary ?? `${a.name} in voxguard-prod` },
      startsAt: '2026-11-24T08:59:30.123456789Z', endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up', fingerprint: a.fingerprint ?? `fp${a.name.length}${Object.values(a.labels ?? {}).join('')}`.replace(/[^a-z0-9]/gi, ''),
    })),
  };
}

/** Polls an async condition (the Slack stand-in's waitFor takes a synchronous one). */
async function until<T>(what: string, fn: () => Promise<T>, ms = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('POST /alerts (Alertmanager webhooks)', () => {
  let s: S;
  let aws: Route53StandIn;
  beforeAll(awsCredentials);
  afterEach(async () => {
    s.slack.assertNoViolations();
    await s.close();
    await aws.close();
    aws.assertNoViolations();
  });

  async function start(env: Record<string, string> = { DRBOT_ALERTS_TOKEN: TOKEN }) {
    aws = await route53();
    const script = "console.log('restarted ' + process.argv[1])";
    s = await slackApp({
      env: { AWS_ENDPOINT_URL_ROUTE_53: aws.url, ...env },
      configDir: slackDir({
        ...runbookEdits((d) => void (d.steps[0].route53.poll = '200ms')),
        'commands/restart-probe.yml': () => ({
          name: 'restart-probe', description: 'Restart a deployment (test double of service-restart)', tier: 'T0', trigger: ['PodCrashLooping'],
          parameters: { deployment: { allowed: ['detection-engine', 'web'] } },
          steps: [{ label: 'Restart {{deployment}}', exec: [process.execPath, '-e', script, '{{deployment}}'] }],
          cooldown: '5m', max_attempts: 3,
        }),
      }),
    });
  }
  const post = (body: unknown, auth = `Bearer ${TOKEN}`) =>
    fetch(`${s.base}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
  const count = async (table: string) => (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('is refused without the token configured (503), without or with a wrong bearer (401), and with a body that is not a webhook (400)', async () => {
    await start({});
    const off = await post(webhook([{ name: 'PodCrashLooping' }]));
    expect(off.status).toBe(503);
    expect(await off.text()).toContain('set DRBOT_ALERTS_TOKEN');
    await s.close();
    await aws.close();
    await start();
    expect((await post(webhook([{ name: 'PodCrashLooping' }]), '')).status).toBe(401);
    const wrong = await post(webhook([{ name: 'PodCrashLooping' }]), 'Bearer not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    const bad = await post({ version: '4', alerts: [{ labels: {} }] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems).toEqual(expect.arrayContaining(['groupKey: Invalid input: expected string, received undefined']));
    expect(await count('incidents')).toBe(0);
  });

  it('a T0 trigger declares an incident and runs at once; the same webhook again changes nothing; a bad label is refused and said once', async () => {
    await start();
    const first = await (await post(webhook([{ name: 'PodCrashLooping', labels: { deployment: 'web' } }]))).json();
    expect(first.alerts[0]).toMatchObject({ alertname: 'PodCrashLooping', incident: 'INC-1', declared: true, runs: [{ runbook: 'restart-probe', run: 1, status: 'approved' }] });
    const incident = (await getIncident(s.db, 1))!;
    expect(incident).toMatchObject({ title: 'PodCrashLooping: PodCrashLooping in voxguard-prod', severity: 1, commander: 'U0ONCALL01' });
    await until('run succeeded', async () => (await getRun(s.db, 1))?.status === 'succeeded');
    expect((await listRunActions(s.db, 1))[0]).toMatchObject({ status: 'done', output: 'restarted web' });

    const again = await (await post(webhook([{ name: 'PodCrashLooping', labels: { deployment: 'web' } }]))).json();
    expect(again.alerts[0].incident).toBe('INC-1');
    expect(again.alerts[0].runs[0].refused).toContain('restart-probe deployment=web is cooling down until');
    expect(await count('incidents')).toBe(1);
    expect(await count('runs')).toBe(1);

    const evil = webhook([{ name: 'PodCrashLooping', labels: { deployment: 'web;reboot' }, fingerprint: 'fpevil' }]);
    for (let i = 0; i < 2; i++) expect((await (await post(evil)).json()).alerts[0].runs[0].refused).toContain('`deployment` must be one of detection-engine, web (got "web;reboot")');
    const channel = (await getIncident(s.db, 1))!.channelId!;
    await s.slack.waitFor((x) => x.messages(channel).some((m) => (m.text ?? '').includes('Alert PodCrashLooping did not start restart-probe')), 5000, 'refusal posted');
    // Both webhooks were answered, so whatever they planted is in the store; once it has run, a second post would be there.
    await stepsSettled(s.db, { incidentId: 1 });
    expect(s.slack.messages(channel).filter((m) => (m.text ?? '').includes('did not start restart-probe') && (m.text ?? '').includes('web;reboot'))).toHaveLength(1);
    expect(await count('incidents')).toBe(1); // same Alertmanager group → same incident
  });

  it('an HA pair of Alertmanagers posting the same alert at once declares once and runs once', async () => {
    await start();
    const body = webhook([{ name: 'PodCrashLooping', labels: { deployment: 'detection-engine' } }]);
    const [a, b] = await Promise.all([post(body), post(body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await until('run finished', async () => ['succeeded', 'failed'].includes((await getRun(s.db, 1))?.status ?? ''));
    expect(await count('incidents')).toBe(1);
    expect(await count('runs')).toBe(1);
  });

  it('a T2 trigger opens an approval request (the alert counts as a signal class of its own) and runs nothing', async () => {
    await start();
    aws.setHealth(HC.synthetic, true); // only the Route 53 class fails; the alert is the second class
    const out = await (await post(webhook([{ name: 'LagosPrimaryDown' }], '{}:{alertname="LagosPrimaryDown"}'))).json();
    expect(out.alerts[0]).toMatchObject({ incident: 'INC-1', declared: true, runs: [{ runbook: 'dns-failover', run: 1, status: 'awaiting_approval' }] });
    const channel = await until('incident channel', async () => (await getIncident(s.db, 1))?.channelId);
    const request = await s.slack.waitFor((x) => x.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes('Run #1 · dns-failover')), 5000, 'approval request');
    const blocks = JSON.stringify(request.blocks);
    expect(blocks).toContain('Alertmanager alert LagosPrimaryDown');
    expect(blocks).toContain('2 distinct class(es), 2 required: quorum met');
    expect(blocks).toContain('approval.approve');
    expect(changes(aws)).toHaveLength(0);
    const resolved = await (await post(webhook([{ name: 'LagosPrimaryDown', status: 'resolved' }], '{}:{alertname="LagosPrimaryDown"}'))).json();
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', runs: [] });
    expect(await count('runs')).toBe(1);
    expect((await listTimeline(s.db, 1)).map((e) => e.text)).toContain('Requested run #1 dns-failover (T2) name=app.voxguard.ng from=lagos-primary to=abuja-secondary');
  });
});

describe('the Alertmanager adapter: webhook payload → the alerts the application takes in', () => {
  it('keeps what intake uses (status, labels, annotations, start, fingerprint), reads nanosecond times, drops the rest', () => {
    const parsed = parseAlertmanagerWebhook(webhook([{ name: 'PodCrashLooping', labels: { deployment: 'web' }, fingerprint: 'abc123' }], 'grp-1'));
    expect(parsed).toEqual({
      ok: true,
      batch: {
        groupKey: 'grp-1',
        alerts: [{
          status: 'firing', labels: { alertname: 'PodCrashLooping', severity: 'critical', namespace: 'voxguard-prod', deployment: 'web' },
          annotations: { summary: 'PodCrashLooping in voxguard-prod' }, startsAt: new Date('2026-11-24T08:59:30.123Z'), fingerprint: 'abc123',
        }],
      },
    });
  });

  it('names every problem of a payload that is not a version 4 webhook', () => {
    const parsed = parseAlertmanagerWebhook({ version: '4', groupKey: 'g', status: 'firing', alerts: [{ status: 'firing', labels: { severity: 'critical' }, startsAt: 'yesterday', fingerprint: 'f' }] });
    expect(parsed).toEqual({
      ok: false, error: 'not an Alertmanager webhook payload (version 4)',
      problems: ['alerts.0.labels: expected labels.alertname', 'alerts.0.startsAt: expected an RFC 3339 time'],
    });
  });
});
