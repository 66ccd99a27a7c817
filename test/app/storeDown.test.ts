import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../helpers/until.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { triggerId } from '../helpers/slackRequests.ts';
import { openStore } from '../../src/store/index.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { slackConfigDir } from '../helpers/configDir.ts';
import { OwnPostgres } from '../helpers/ownPostgres.ts';
import type { TestDb } from '../helpers/db.ts';
import { slackApp } from '../helpers/slackApp.ts';
import { DrbotProcess } from '../helpers/spawnDrbot.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';

const TOKEN = 'alerts-token-0123456789abcdef';


describe('when the store is down (a PostgreSQL of the test\'s own, stopped and started)', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await closeSmtpServers();
  });

  async function setup(o: { smtp?: Parameters<typeof startSmtp>[0] } = {}) {
    const pg = await OwnPostgres.create();
    cleanups.push(() => pg.destroy());
    const db = (await openStore({ databaseUrl: pg.url, dataDir: '/nonexistent' })) as TestDb;
    cleanups.push(() => db.close().catch(() => undefined));
    const smtp = o.smtp ? await startSmtp(o.smtp) : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const s = await slackApp({
      db, env: { DRBOT_ALERTS_TOKEN: TOKEN, DRBOT_DATA_DIR: dataDir, ...(smtp ? { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } : {}) },
      configDir: slackConfigDir({
        'notifications/sev1.yml': () => ({ steps: [{ id: 'email-1', at: '0s', kind: 'email', to: ['engineering-lead'], template: 'stakeholder' }] }),
        'drbot.yml': (d) => void (d.severities.sev1.update_cadence = null),
      }),
    });
    cleanups.push(() => s.close());
    return { pg, db, s, smtp, dataDir };
  }

  it('every entry point answers within 3 s in words: not recorded, what to do, who to call; HTTP routes 503 with words', async () => {
    const { pg, s } = await setup();
    expect((await (await s.command('declare sev2 Payments slow')).json()).text).toContain('INC-1 declared');
    await pg.stop('immediate');

    const timed = async <T>(fn: () => Promise<T>) => {
      const t = performance.now();
      const v = await fn();
      return { v, ms: performance.now() - t };
    };
    for (const text of ['status', 'list', 'reopen INC-1']) {
      const { v: r, ms } = await timed(() => s.command(text));
      expect(r.status, text).toBe(200);
      expect(ms, text).toBeLessThan(3000);
      const said = (await r.json()).text as string;
      // Either the answer itself, or "Working on it…" with the answer following as an ephemeral.
      const full = said.includes('Working on it') ? await until('the follow-up', () => s.slack.calls.filter((c) => c.method === 'chat.postEphemeral').map((c) => JSON.stringify(c.args)).find((a) => a.includes('cannot reach its database'))) : said;
      expect(full, text).toContain('drbot cannot reach its database right now');
      expect(full, text).toContain('not recorded');
      expect(full, text).toMatch(/Level 1 — oncall: Ada Okafor/);
    }
    const press = await timed(() => s.press('incident.reopen', '1'));
    expect(press.v.status).toBe(200);
    expect(press.ms).toBeLessThan(3000);
    await until('the click answered', () => s.slack.calls.some((c) => c.method === 'chat.postEphemeral' && JSON.stringify(c.args).includes('Your click was not recorded')));

    for (const [path, init] of [
      ['/status', undefined], ['/status.json', undefined],
      ['/alerts', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ version: '4', groupKey: 'g', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'pod_crash_loop' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'f1' }] }) }],
    ] as const) {
      const { v: r, ms } = await timed(() => fetch(`${s.base}${path}`, init as RequestInit | undefined));
      expect(r.status, path).toBe(503);
      expect(await r.text(), path).toContain('cannot reach its database');
      expect(ms, path).toBeLessThan(3000);
    }
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(503);

    await pg.start();
    await until('drbot answering again', async () => ((await (await s.command('status INC-1')).json()).text as string).includes('INC-1'));
  });

  it('a declare during the outage is journalled on disk, answered "recorded locally", and declared exactly once when the store is back; reads come from a labelled cache', async () => {
    const { pg, db, s, dataDir } = await setup();
    expect((await (await s.command('declare sev2 Payments slow')).json()).text).toContain('INC-1 declared');
    expect((await (await s.command('status INC-1')).json()).text).toContain('Payments slow');
    await pg.stop('immediate');

    const trigger = triggerId();
    const t = performance.now();
    const first = await s.command('declare sev1 Everything is down', { trigger });
    expect(performance.now() - t).toBeLessThan(3000);
    const said = (await first.json()).text as string;
    expect(said).toContain('Recorded locally');
    expect(said).toContain('INC number follows');
    expect(said).toMatch(/Level 1 — oncall: Ada Okafor/);
    // Slack retries the same request: still one entry.
    expect((await (await s.command('declare sev1 Everything is down', { trigger, retryNum: 1 })).json()).text).toContain('Recorded locally');
    const journal = readFileSync(join(dataDir, 'declare-journal.jsonl'), 'utf8').trim().split('\n');
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0])).toMatchObject({ requestKey: `slack:cmd:${trigger}`, userId: 'U0ONCALL01', text: 'declare sev1 Everything is down' });

    const cached = (await (await s.command('status INC-1')).json()).text as string;
    expect(cached).toMatch(/cannot reach its database: this is its answer from \d+ s ago \(cached/);
    expect(cached).toContain('Payments slow');

    const back = performance.now();
    await pg.start();
    const upMs = performance.now() - back;
    await until('the journalled declare recorded', async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE title = 'Everything is down'"))[0].n === 1);
    console.log(`catch-up: the journalled declare was recorded ${((performance.now() - back - upMs) / 1000).toFixed(1)} s after PostgreSQL accepted connections again (pg_ctl start took ${(upMs / 1000).toFixed(1)} s)`);
    await until('the declarer told the INC number', () => s.slack.calls.some((c) => c.method === 'chat.postMessage' && (c.args as { channel?: string }).channel === 'U0ONCALL01' && JSON.stringify(c.args).includes('INC-2 declared')));
    await until('the journal emptied', () => readFileSync(join(dataDir, 'declare-journal.jsonl'), 'utf8') === '');
    // Replayed again (a restart with the old file): still one incident.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n).toBe(2);
  });

  it('a send that completed while the store was unreachable is written when it is back, not sent again', async () => {
    let release: (() => void) | undefined;
    let held = false;
    const { pg, db, s, smtp } = await setup({ smtp: { beforeReply: () => (held ? Promise.resolve() : ((held = true), new Promise<void>((r) => (release = r)))) } });
    await s.command('declare sev1 Lagos region unreachable');
    await until('the email send in flight', () => held);
    await pg.stop('immediate');
    release!();
    await until('the mail delivered', () => smtp!.received.length === 1);
    // The outcome cannot be written now; drbot keeps it and retries.
    await new Promise((r) => setTimeout(r, 1500));
    const back = performance.now();
    await pg.start();
    await until('email-1 written as sent', async () => (await listSteps(db, 1)).find((x) => x.stepId === 'email-1')?.status === 'done');
    console.log(`catch-up: the outcome kept in memory was written ${((performance.now() - back) / 1000).toFixed(1)} s after pg_ctl start was called`);
    expect(smtp!.received.filter((m) => m.mail.headers.get('x-drbot-step') === 'email-1')).toHaveLength(1);
    const line = (await listTimeline(db, 1)).find((e) => e.data?.stepId === 'email-1');
    expect(line?.text).not.toContain('may have been sent twice');
    // Nothing re-sends it later either.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp!.received).toHaveLength(1);
  });

  it('started while the store is down, drbot waits with one clear log line and /readyz 503, then starts by itself', { timeout: 90_000 }, async () => {
    const pg = await OwnPostgres.create();
    cleanups.push(() => pg.destroy());
    await pg.stop('fast');
    const p = new DrbotProcess({ DATABASE_URL: pg.url, SLACK_BOT_TOKEN: 'xoxb-not-used', SLACK_SIGNING_SECRET: 'not-used', SLACK_API_URL: 'http://127.0.0.1:9/api/', LOG_LEVEL: 'info' });
    cleanups.push(async () => {
      p.kill('SIGKILL');
      await p.exited;
    });
    const m = await p.waitFor(/"port":(\d+),"msg":"the database at 127\.0\.0\.1:\d+\/drbot is unreachable \(([^"]*)\): waiting for it/, { stream: 'stderr', timeoutMs: 60_000 });
    const waiting = await fetch(`http://127.0.0.1:${m[1]}/readyz`);
    expect(waiting.status).toBe(503);
    expect((await waiting.json()).checks.store).toMatch(/^unreachable/);
    expect((await fetch(`http://127.0.0.1:${m[1]}/healthz`)).status).toBe(200);
    expect(p.stderr).not.toMatch(/\n\s+at /); // no stack
    await pg.start();
    const started = await p.waitFor(/"port":(\d+)[^\n]*"msg":"drbot started"/, { stream: 'stderr', timeoutMs: 30_000 });
    expect((await fetch(`http://127.0.0.1:${started[1]}/readyz`)).status).toBe(200);
  });
});
