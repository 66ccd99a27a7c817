import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, scrubText } from '../../src/log.ts';
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
    expect(await ready.json()).toEqual({ ready: true, checks: { store: 'ok', redis: 'ok' } });
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

  it('/readyz says which dependency is unreachable', async () => {
    s = await slackApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(503);
    const body = await ready.json();
    expect(body.checks.store).toBe('ok');
    expect(body.checks.redis).toMatch(/^unreachable: /);
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
