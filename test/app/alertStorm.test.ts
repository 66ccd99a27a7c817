import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { slackConfigDir } from '../helpers/configDir.ts';

type S = Awaited<ReturnType<typeof slackApp>>;
const TOKEN = 'alerts-token-0123456789abcdef';
const NAMES = ['PodCrashLooping', 'DiskFull', 'HighLatency'];

function webhook(groupKey: string, alerts: { name: string; fingerprint: string; deployment?: string }[], where = 'voxguard-prod') {
  return {
    version: '4', groupKey, truncatedAlerts: 0, status: 'firing', receiver: 'drbot', groupLabels: {}, commonLabels: {}, commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: 'firing', labels: { alertname: a.name, severity: 'critical', deployment: a.deployment ?? 'web', pod: a.fingerprint },
      annotations: { summary: `${a.name} in ${where}` }, startsAt: '2026-11-24T08:59:30Z', endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph', fingerprint: a.fingerprint,
    })),
  };
}

describe('alert storms', () => {
  let s: S;
  afterEach(async () => {
    s.slack.assertNoViolations();
    await s.close();
  });

  async function start() {
    s = await slackApp({
      env: { DRBOT_ALERTS_TOKEN: TOKEN },
      configDir: slackConfigDir({
        'commands/restart-probe.yml': () => ({
          name: 'restart-probe', description: 'Restart a deployment', tier: 'T0', trigger: NAMES,
          parameters: { deployment: { allowed: ['detection-engine', 'web'] } },
          steps: [{ label: 'Restart {{deployment}}', exec: ['true', '{{deployment}}'] }],
          cooldown: '5m', max_attempts: 3,
        }),
      }),
    });
  }
  const post = async (body: unknown) => {
    const t = performance.now();
    const r = await fetch(`${s.base}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    return { status: r.status, json: await r.json(), ms: performance.now() - t };
  };
  const count = async (sql: string) => (await s.db.query<{ n: number }>(sql))[0].n;
  const posts = () => s.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

  it('one webhook with 500 alerts of one group: one incident, one run request, a handful of messages, answered at once', async () => {
    await start();
    const alerts = Array.from({ length: 500 }, (_, n) => ({ name: NAMES[n % 3], fingerprint: `fp${n}` }));
    const r = await post(webhook('{}:{cluster="lagos"}', alerts));
    console.log(`500 alerts in one webhook answered in ${r.ms.toFixed(0)} ms`);
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    expect(r.json.alerts).toHaveLength(500);
    expect(new Set(r.json.alerts.map((a: { incident: string }) => a.incident))).toEqual(new Set(['INC-1']));
    expect(await count('SELECT count(*)::int AS n FROM incidents')).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM runs')).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM alerts WHERE incident_id = 1')).toBe(500);
    let channel: string | null | undefined;
    for (let i = 0; i < 250 && !channel; i++) {
      channel = (await getIncident(s.db, 1))?.channelId;
      if (!channel) await new Promise((r2) => setTimeout(r2, 20));
    }
    await s.slack.waitFor((x) => (x.messages(channel!).length ? true : undefined), 5000, 'card');
    await new Promise((r2) => setTimeout(r2, 1000));
    expect(posts()).toBeLessThan(15);
    // Again (Alertmanager's repeat): nothing new.
    const again = await post(webhook('{}:{cluster="lagos"}', alerts));
    expect(again.status).toBe(200);
    expect(await count('SELECT count(*)::int AS n FROM incidents')).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM runs')).toBe(1);
  });

  it('500 distinct groups in a loop: 5 incidents, then one alert storm incident that counts the rest per alert name', async () => {
    await start();
    const times: number[] = [];
    for (let g = 0; g < 500; g++) {
      const r = await post(webhook(`{}:{group="${g}"}`, [{ name: NAMES[g % 3], fingerprint: `g${g}`, deployment: g % 2 ? 'web' : 'detection-engine' }], `cell ${g}`));
      expect(r.status).toBe(200);
      times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    console.log(`500 groups: each webhook answered in median ${times[250].toFixed(0)} ms, max ${times[499].toFixed(0)} ms`);
    expect(times[499]).toBeLessThan(3000);
    expect(await count('SELECT count(*)::int AS n FROM incidents')).toBe(6);
    const storm = (await getIncident(s.db, 6))!;
    expect(storm.title).toContain('Alert storm');
    expect(await count('SELECT count(*)::int AS n FROM alerts WHERE incident_id = 6')).toBe(495);
    expect(storm.impact).toMatch(/^Alert storm: 495 alerts fired — /);
    for (const name of NAMES) expect(storm.impact).toMatch(new RegExp(`${name} ×(164|165)`));
    // The timeline says when a name joins, not once per alert.
    const notes = (await listTimeline(s.db, 6)).filter((e) => e.data?.kind === 'alert_storm');
    expect(notes.length).toBeLessThanOrEqual(3);
    // No runbook runs from the storm; the five incidents' runs did start.
    expect(await count('SELECT count(*)::int AS n FROM runs WHERE incident_id = 6')).toBe(0);
    // The card of the storm incident shows the tally once redrawn; messages stay a handful per incident.
    await s.slack.waitFor(() => (JSON.stringify(s.slack.calls.filter((c) => c.method === 'chat.update').at(-1)?.args ?? '').includes('495 alerts') ? true : undefined), 10_000, 'storm card with the tally');
    expect(posts()).toBeLessThan(6 * 8);
  });
});
