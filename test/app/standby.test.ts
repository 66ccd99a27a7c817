import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../helpers/until.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { slackConfigDir, SLACK_CHANNELS } from '../helpers/configDir.ts';
import type { TestDb } from '../helpers/db.ts';
import { OwnPostgres } from '../helpers/ownPostgres.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { startSlackStandIn } from '../standins/slack/server.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';


/**
 * Two regions: the active drbot (lagos) on a PostgreSQL primary, a standby drbot (abuja) on a
 * streaming replica of it (pg_basebackup -R), both servers the test's own. The standby answers
 * reads labelled and runs nothing; promoted, it becomes active by itself and runs what is pending, once.
 */
describe('a standby drbot in a second region', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve().then(c).catch(() => undefined);
    await closeSmtpServers();
  });

  it('answers reads as "standby, read-only", runs no steps, and takes over every pending step once when promoted', { timeout: 120_000 }, async () => {
    const primary = await OwnPostgres.create();
    cleanups.push(() => primary.destroy());
    const dbA = (await openStore({ databaseUrl: primary.url, dataDir: '/nonexistent' })) as TestDb;
    cleanups.push(() => dbA.close());
    const replica = await OwnPostgres.replicaOf(primary);
    cleanups.push(() => replica.destroy());
    const dbB = (await openStore({ databaseUrl: replica.url, dataDir: '/nonexistent' })) as TestDb;
    cleanups.push(() => dbB.close());

    const smtp = await startSmtp();
    const slack = await startSlackStandIn({ channels: [
      { id: SLACK_CHANNELS.announcements, name: 'incidents' }, { id: SLACK_CHANNELS.engineering, name: 'voxguard-incidents' },
      { id: SLACK_CHANNELS.alerts, name: 'voxguard-alerts' }, { id: SLACK_CHANNELS.general, name: 'general' },
    ] });
    cleanups.push(() => slack.close());
    const configDir = slackConfigDir({
      'notifications/sev1.yml': () => ({
        steps: [
          { id: 'email-1', at: '0s', kind: 'email', to: ['engineering-lead'], template: 'stakeholder' },
          ...[10, 11, 12].map((s, n) => ({ id: `email-${n + 2}`, at: `${s}s`, kind: 'email', to: ['engineering-lead'], template: 'stakeholder' })),
        ],
      }),
      'drbot.yml': (d) => void (d.severities.sev1.update_cadence = null),
    });
    const data = mkdtempSync(join(tmpdir(), 'drbot-data-'));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const env = (region: string) => ({ DRBOT_REGION: region, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, DRBOT_DATA_DIR: join(data, region) });
    const a = await slackApp({ db: dbA, slack, configDir, instance: 'lagos-1', env: env('lagos') });
    cleanups.push(() => a.close());
    const b = await slackApp({ db: dbB, slack, configDir, instance: 'abuja-1', env: env('abuja') });
    cleanups.push(() => b.close());

    expect((await (await a.command('declare sev1 Lagos region unreachable')).json()).text).toContain('INC-1 declared');
    await until('email-1 sent by the active drbot', async () => (await listSteps(dbA, 1)).find((s) => s.stepId === 'email-1')?.status === 'done');

    // The standby: reads answered from the replica, labelled; writes refused in words; no steps run.
    const status = await until('the standby answering with the replicated incident', async () => {
      const text = (await (await b.command('status INC-1')).json()).text as string;
      return text.includes('Lagos region unreachable') && text.includes('active drbot is in lagos') ? text : undefined;
    });
    expect(status).toContain('Standby — standby in abuja, read-only; the active drbot is in lagos.');
    expect((await (await b.command('list')).json()).text).toContain('standby in abuja, read-only; the active drbot is in lagos');
    const refused = (await (await b.command('declare sev2 Abuja is fine')).json()).text as string;
    expect(refused).toContain('This drbot is the standby in abuja, read-only; the active drbot is in lagos. Your command was not recorded');
    const ready = await fetch(`${b.base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).degraded).toContain('standby');
    const byStandby = await dbA.query<{ n: number }>("SELECT count(*)::int AS n FROM steps WHERE claimed_by = 'abuja-1' OR result->>'worker' = 'abuja-1'");
    expect(byStandby[0].n).toBe(0);

    // Lagos is lost: its drbot and its database go; the Abuja replica is promoted.
    await a.close();
    await primary.stop('fast');
    const promotedAt = Date.now();
    await replica.promote();
    await until('the standby to notice the promotion', async () => ((await (await fetch(`${b.base}/readyz`)).json()).degraded.includes('standby') ? undefined : true));
    const activeMs = Date.now() - promotedAt;
    await until('every chain step done after the promotion', async () => (await listSteps(dbB, 1)).filter((s) => s.source === 'chain').every((s) => s.status === 'done'), 40_000);
    const caughtUpMs = Date.now() - promotedAt;
    const steps = await dbB.query<{ step_id: string; worker: string; sent_at: Date }>("SELECT step_id, result->>'worker' AS worker, sent_at FROM steps WHERE source = 'chain' ORDER BY step_id");
    const firstByB = steps.filter((s) => s.worker === 'abuja-1').map((s) => new Date(s.sent_at).getTime()).sort()[0];
    console.log(`standby promoted: active ${(activeMs / 1000).toFixed(1)} s after pg_ctl promote was called (role checked every 2 s); first step sent by abuja ${((firstByB - promotedAt) / 1000).toFixed(1)} s after pg_ctl promote; chain complete ${(caughtUpMs / 1000).toFixed(1)} s after (steps due 10-12 s after declare)`);
    expect(steps.filter((s) => s.worker === 'abuja-1').length).toBeGreaterThan(0);
    // Each step once, across both regions.
    const sent = smtp.received.map((m) => m.mail.headers.get('x-drbot-step')).sort();
    expect(sent).toEqual(['email-1', 'email-2', 'email-3', 'email-4']);

    // Active now: writes work.
    expect((await (await b.command('declare sev2 After the failover')).json()).text).toContain('INC-2 declared');
  });
});
