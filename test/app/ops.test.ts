import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { opsRoutes } from '../../src/http/ops.ts';
import { createLogger, scrubText } from '../../src/log.ts';
import { checkReadiness } from '../../src/service/readiness.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { slackApp } from '../helpers/slackApp.ts';

type S = Awaited<ReturnType<typeof slackApp>>;

describe('operational endpoints', () => {
  let s: S | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('/healthz, /readyz with Redis, /metrics with declared incidents and Slack latency', async () => {
    s = await slackApp({ env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(await (await fetch(`${s.base}/healthz`)).text()).toBe('ok\n');
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, degraded: [], checks: { store: 'ok', redis: 'ok' } });
    await s.command('declare sev1 Lagos down');
    await s.command('declare sev9 nope');
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toContain('drbot_incidents_declared_total{severity="SEV-1"} 1');
    expect(metrics).toContain('drbot_open_incidents{severity="SEV-1"} 1');
    expect(metrics).toMatch(/drbot_slack_request_duration_seconds_count\{kind="command"\} 2/);
    // Node's own metrics carry the prefix once.
    expect(metrics).toMatch(/^drbot_process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^drbot_nodejs_eventloop_lag_seconds \d/m);
    expect(metrics).not.toContain('drbot_process_process_');
    expect((await fetch(`${s.base}/nope`)).status).toBe(404);
    expect((await fetch(`${s.base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('/readyz with Redis down (nothing listening on its port): ready, degraded, Redis named in the body', async () => {
    s = await slackApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body.ready).toBe(true);
    expect(body.degraded).toEqual(['redis']);
    expect(body.checks.store).toBe('ok');
    expect(body.checks.redis).toMatch(/^unreachable: /);
  });

  it('/readyz is 503 when the store does not answer (nothing listening on its port)', async () => {
    const db = connectPg('postgres://drbot@127.0.0.1:1/test');
    const server = createHttpServer(opsRoutes({ readiness: () => checkReadiness({ db }), metrics: async () => ({ contentType: 'text/plain', text: '' }) }), pino({ level: 'silent' }));
    try {
      const ready = await fetch(`http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.json();
      expect(body.ready).toBe(false);
      expect(body.degraded).toEqual([]);
      expect(body.checks.store).toMatch(/^unreachable: /);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    }
  });
});

describe('secrets never reach the logs', () => {
  function capture() {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    return { lines, destination };
  }

  it('scrubs configured secret values, token shapes and URL passwords, in messages, fields and errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', secrets: ['s3cr3t-signing-value'], destination });
    log.info({ url: 'smtps://drbot:hunter2pass@smtp.example.com:465', headers: { authorization: 'Bearer abcdefghijkl' } }, 'connecting with xoxb-1234-5678-abcdef');
    log.error({ err: new Error('signature failed for s3cr3t-signing-value') }, 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    log.warn({ token: 'xapp-1-A111-222-abc', nested: { apiKey: 'sp-key-123456' } }, 'Authorization: OAuth sp-key-123456');
    const out = lines.join('\n');
    for (const secret of ['hunter2pass', 'abcdefghijkl', 'xoxb-1234', 's3cr3t-signing-value', 'ghp_abc', 'xapp-1', 'sp-key-123456']) expect(out).not.toContain(secret);
    expect(out).toContain('smtps://drbot:[REDACTED]@smtp.example.com:465');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubText('INC-12 Lagos region unreachable (SEV-1)')).toBe('INC-12 Lagos region unreachable (SEV-1)');
  });
});
