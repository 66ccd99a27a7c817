import { afterEach, describe, expect, it } from 'vitest';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';
import { startSlackStandIn, type SlackStandIn } from '../standins/slack/server.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';
import { slackConfigDir, SLACK_CHANNELS } from '../helpers/configDir.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { stepsSettled } from '../helpers/settle.ts';
import { triggerId } from '../helpers/slackRequests.ts';
import { Agent } from 'node:https';

type S = Awaited<ReturnType<typeof slackApp>>;

describe('two replicas on one PostgreSQL and one Redis', () => {
  let db: TestDb;
  let slack: SlackStandIn;
  const apps: S[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    await closeSmtpServers();
    slack?.assertNoViolations();
    await slack?.close();
    await db?.close();
  });

  async function replicas(configDir: string, env: Record<string, string> = {}, pagerAgent?: Agent) {
    db = await openTestDb('pg', 'replicas');
    slack = await startSlackStandIn({ channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })) });
    for (const instance of ['replica-a', 'replica-b']) {
      apps.push(await slackApp({ db, slack, configDir, instance, pagerAgent, env: { REDIS_URL: 'redis://127.0.0.1:6379', ...env } }));
    }
    return apps;
  }

  it('the same slash command reaching both replicas (a Slack retry) declares once', async () => {
    const [a, b] = await replicas(slackConfigDir());
    const trigger = triggerId();
    const [ra, rb] = await Promise.all([
      a.command('declare sev2 DB degraded', { trigger }),
      b.command('declare sev2 DB degraded', { trigger, retryNum: 1 }),
    ]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    const [ta, tb] = [(await ra.json()).text, (await rb.json()).text];
    expect([ta, tb].filter((t: string) => t.includes('INC-1 declared')).length).toBeGreaterThanOrEqual(1);
    await slack.waitFor((x) => x.channels.find((c) => c.name.endsWith('db-degraded')), 5000, 'channel');
    // Both requests were answered, so every declare happened; once its steps have run, a second
    // channel or announcement would already be there.
    await stepsSettled(db);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(n).toBe(1);
    expect(slack.calls.filter((c) => c.method === 'conversations.create')).toHaveLength(1);
    expect(slack.messages(SLACK_CHANNELS.announcements)).toHaveLength(1);
  });

  it('every chain step is sent exactly once while both replicas run the schedule', async () => {
    const pd = await PagerDutyStandIn.start();
    const smtp = await startSmtp();
    const configDir = slackConfigDir({
      'notifications/sev1.yml': () => ({
        steps: [
          { id: 'page-oncall', at: '0s', kind: 'page', to: 'oncall' },
          { id: 'slack-engineering', at: '300ms', kind: 'slack', channel: 'engineering', template: 'initial-notification' },
          ...Array.from({ length: 8 }, (_, n) => ({ id: `email-${n + 1}`, at: `${(n + 1) * 150}ms`, kind: 'email', to: ['engineering-lead'], template: 'stakeholder' })),
        ],
      }),
    });
    const [a, b] = await replicas(configDir, {
      PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789012345678901', PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_API_URL: pd.url,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    }, new Agent({ ca: pd.caPem }));
    // Declares land on both replicas; each replica's runner competes for every step.
    await a.command('declare sev1 Lagos region unreachable');
    await b.command('declare sev1 Abuja region unreachable');
    const done = async () => (await Promise.all([1, 2].map((id) => listSteps(db, id)))).flat().filter((s) => s.source === 'chain').every((s) => s.status === 'done');
    for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await done()).toBe(true);
    const sent = smtp.received.map((m) => `${m.mail.headers.get('x-drbot-incident')}/${m.mail.headers.get('x-drbot-step')}`).sort();
    expect(sent).toEqual([1, 2].flatMap((i) => Array.from({ length: 8 }, (_, n) => `INC-${i}/email-${n + 1}`)).sort());
    expect(pd.events.filter((e) => e.event_action === 'trigger').map((e) => e.dedup_key).sort()).toEqual(['drbot-INC-1', 'drbot-INC-2']);
    expect(slack.messages(SLACK_CHANNELS.engineering)).toHaveLength(2);
    // Each step was finished by one of the two replicas (the email count above shows: once).
    const workers = await db.query<{ worker: string }>(`SELECT DISTINCT result->>'worker' AS worker FROM steps WHERE status = 'done'`);
    expect(workers.map((w) => w.worker).every((w) => w === 'replica-a' || w === 'replica-b')).toBe(true);
    pd.assertNoViolations();
  });
});
