import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionRunner } from '../../src/adapters/actions/index.ts';
import { NotConfigured, TransientError } from '../../src/ports.ts';

const KEY = 'test-action-hmac-key-0123456789';
const NOW = new Date('2026-11-25T15:00:00Z');

/** The documented scheme (README, "Recovery commands"), written out here independently of drbot's code. */
const expectedSignature = (timestamp: string, rawBody: string) => `sha256=${createHmac('sha256', KEY).update(`${timestamp}.${rawBody}`).digest('hex')}`;
/** How far a receiver lets X-Drbot-Timestamp stray from its own clock. */
const TOLERANCE_S = 300;

/**
 * A webhook receiver that does what a real one should: verify the signature over timestamp and
 * raw body, refuse a stale timestamp (a replay), then apply each idempotency key once.
 * `clock` is the receiver's own time (default: drbot's pinned NOW).
 */
function receiver(reply: (req: IncomingMessage, res: ServerResponse) => boolean = () => false, clock: () => Date = () => NOW) {
  const seen = new Map<string, string>();
  const received: { headers: IncomingMessage['headers']; body: string; verified: boolean; fresh: boolean }[] = [];
  let applied = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-drbot-timestamp'] ?? '');
      const expected = Buffer.from(expectedSignature(timestamp, body));
      const given = Buffer.from(String(req.headers['x-drbot-signature'] ?? ''));
      const verified = given.length === expected.length && timingSafeEqual(given, expected);
      const fresh = /^\d+$/.test(timestamp) && Math.abs(clock().getTime() / 1000 - Number(timestamp)) <= TOLERANCE_S;
      received.push({ headers: req.headers, body, verified, fresh });
      if (reply(req, res)) return;
      if (!verified) return void res.writeHead(401).end('bad signature');
      if (!fresh) return void res.writeHead(401).end('stale timestamp');
      const key = String(req.headers['idempotency-key']);
      if (!seen.has(key)) {
        applied += 1;
        seen.set(key, JSON.stringify({ ok: true, run: applied }));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(seen.get(key));
    });
  });
  return { server, received, applied: () => applied };
}

let server: Server;
let base: string;
const listen = async (s: Server) => {
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('http actions', () => {
  const runner = createActionRunner({ hmacKey: KEY, now: () => NOW });
  const action = (over: Partial<Parameters<typeof runner.http>[0]> = {}) =>
    ({ url: `${base}/hooks/failover?token=abc`, method: 'POST' as const, body: { region: 'abuja', incident: 'INC-42' }, idempotencyKey: 'INC-42:failover:1', timeoutMs: 2000, ...over });

  it('signs timestamp + "." + raw body, sends both and the idempotency key; a repeat is applied once', async () => {
    const r = receiver();
    await listen(r.server);
    const first = await runner.http(action());
    const again = await runner.http(action({ method: 'PUT' }));
    expect(first).toEqual({ status: 200, body: '{"ok":true,"run":1}' });
    expect(again.body).toBe('{"ok":true,"run":1}');
    expect(r.applied()).toBe(1);
    expect(r.received.map((x) => x.verified)).toEqual([true, true]);
    expect(r.received[0].body).toBe('{"region":"abuja","incident":"INC-42"}');
    expect(r.received[0].headers).toMatchObject({
      'content-type': 'application/json', 'x-drbot-timestamp': String(NOW.getTime() / 1000), 'idempotency-key': 'INC-42:failover:1',
      'x-drbot-signature': expectedSignature(String(NOW.getTime() / 1000), '{"region":"abuja","incident":"INC-42"}'),
    });
    // Not the body alone: that would let a captured request be replayed with a new timestamp.
    expect(r.received[0].headers['x-drbot-signature']).not.toBe(`sha256=${createHmac('sha256', KEY).update(r.received[0].body).digest('hex')}`);
  });

  it('the signature covers the timestamp: a replay with a new timestamp fails, an old one is refused', async () => {
    let receiverNow = NOW;
    const r = receiver(undefined, () => receiverNow);
    await listen(r.server);
    expect((await runner.http(action())).status).toBe(200);
    const captured = r.received[0];
    const replay = (timestamp: string) => fetch(`${base}/hooks/failover?token=abc`, {
      method: 'POST',
      body: captured.body,
      headers: {
        'content-type': 'application/json', 'x-drbot-timestamp': timestamp,
        'x-drbot-signature': String(captured.headers['x-drbot-signature']), 'idempotency-key': 'INC-42:failover:replayed',
      },
    });

    // Ten minutes on, an attacker replays the captured request with a fresh timestamp: the signature no longer matches.
    receiverNow = new Date(NOW.getTime() + 600_000);
    const moved = await replay(String(receiverNow.getTime() / 1000));
    expect([moved.status, await moved.text()]).toEqual([401, 'bad signature']);
    // Replayed as captured, the signature holds but the timestamp is outside the tolerance.
    const stale = await replay(String(captured.headers['x-drbot-timestamp']));
    expect([stale.status, await stale.text()]).toEqual([401, 'stale timestamp']);
    expect(r.received.slice(1).map((x) => [x.verified, x.fresh])).toEqual([[false, true], [true, false]]);
    expect(r.applied()).toBe(1);

    // drbot sending at that later time signs its own, later timestamp: accepted.
    const later = createActionRunner({ hmacKey: KEY, now: () => receiverNow });
    expect((await later.http(action({ idempotencyKey: 'INC-42:failover:2' }))).body).toBe('{"ok":true,"run":2}');
    expect(r.received.at(-1)).toMatchObject({ verified: true, fresh: true });
    expect(r.received.at(-1)!.headers['x-drbot-signature']).not.toBe(captured.headers['x-drbot-signature']);
  });

  it('without a key: NotConfigured, nothing sent', async () => {
    const r = receiver();
    await listen(r.server);
    const err = await createActionRunner({}).http(action()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(NotConfigured);
    expect((err as NotConfigured).missing).toEqual(['DRBOT_ACTION_HMAC_KEY']);
    expect(r.received).toHaveLength(0);
  });

  it('429/5xx → TransientError honouring Retry-After; 4xx → plain Error with the answer', async () => {
    const answers: [number, Record<string, string>, string][] = [
      [503, { 'retry-after': '12' }, 'maintenance'],
      [429, { 'retry-after': new Date(NOW.getTime() + 30_000).toUTCString() }, 'slow down'],
      [422, {}, '{"error":"unknown region"}'],
    ];
    await listen(receiver((_req, res) => {
      const [status, headers, body] = answers.shift()!;
      res.writeHead(status, headers).end(body);
      return true;
    }).server);
    const e503 = await runner.http(action()).catch((e: Error) => e);
    expect(e503).toBeInstanceOf(TransientError);
    expect((e503 as TransientError).retryAfterMs).toBe(12_000);
    expect((e503 as Error).message).toBe(`POST ${base}/hooks/failover answered 503: maintenance`); // no query string (token)
    expect(((await runner.http(action()).catch((e) => e)) as TransientError).retryAfterMs).toBe(30_000);
    const e422 = await runner.http(action()).catch((e: Error) => e);
    expect(e422).not.toBeInstanceOf(TransientError);
    expect((e422 as Error).message).toContain('answered 422: {"error":"unknown region"}');
  });

  it('a receiver that never answers → TransientError after the timeout', async () => {
    await listen(receiver(() => true).server);
    const started = Date.now();
    const err = await runner.http(action({ timeoutMs: 150 })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('no answer within 150 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses non-http URLs and header-breaking idempotency keys', async () => {
    await expect(runner.http(action({ url: 'file:///etc/passwd' }))).rejects.toThrow(/file: URLs are not allowed/);
    await expect(runner.http(action({ url: 'http://127.0.0.1:9/x', idempotencyKey: 'a\r\nX-Evil: 1' }))).rejects.toThrow(/idempotency key/);
  });
});

describe('exec actions', () => {
  const runner = createActionRunner({ killGraceMs: 500 });
  const node = process.execPath;

  it('runs a program and captures stdout, stderr and the exit code', async () => {
    const r = await runner.exec([node, '-e', 'console.log("promoted abuja"); console.error("lag 3s"); process.exit(3)'], { timeoutMs: 10_000 });
    expect(r).toEqual({ code: 3, stdout: 'promoted abuja\n', stderr: 'lag 3s\n', timedOut: false });
  });

  it('passes argv literally: no shell, no globbing, no expansion', async () => {
    expect((await runner.exec(['echo', 'eu;rm -rf /'], { timeoutMs: 5000 })).stdout).toBe('eu;rm -rf /\n');
    expect((await runner.exec(['echo', '$HOME', '*', '`id`', '$(id)'], { timeoutMs: 5000 })).stdout).toBe('$HOME * `id` $(id)\n');
  });

  it('a timeout kills sleep, and the whole process group with it', async () => {
    const started = Date.now();
    const r = await runner.exec(['sleep', '30'], { timeoutMs: 200 });
    expect(r).toMatchObject({ timedOut: true, code: null });
    expect(Date.now() - started).toBeLessThan(3000);

    const spawnsSleep = 'const c = require("child_process").spawn("sleep", ["30"], { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000)';
    const tree = await runner.exec([node, '-e', spawnsSleep], { timeoutMs: 500 });
    expect(tree.timedOut).toBe(true);
    const grandchild = Number(tree.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await expect.poll(() => alive(grandchild), { timeout: 2000, interval: 50 }).toBe(false);
  });

  it('keeps 4 KiB of each stream and says how much was cut', async () => {
    const r = await runner.exec([node, '-e', 'process.stdout.write("x".repeat(10000)); process.stderr.write("e".repeat(5000))'], { timeoutMs: 10_000 });
    expect(r.stdout.startsWith('x'.repeat(4096) + '\n')).toBe(true);
    expect(r.stdout).toContain('[5904 more bytes not kept]');
    expect(r.stderr).toContain('[904 more bytes not kept]');
  });

  it('gives the program its own env and cwd, never drbot\'s secrets', async () => {
    const withSecret = createActionRunner({ parentEnv: { PATH: process.env.PATH, DRBOT_ACTION_HMAC_KEY: KEY, SLACK_BOT_TOKEN: 'xoxb-1', AWS_PROFILE: 'dr' } });
    const r = await withSecret.exec([node, '-e', 'console.log(JSON.stringify([process.env.DRBOT_ACTION_HMAC_KEY, process.env.SLACK_BOT_TOKEN, process.env.AWS_PROFILE, process.env.TARGET, process.cwd()]))'],
      { timeoutMs: 10_000, env: { TARGET: 'abuja' }, cwd: '/tmp' });
    expect(JSON.parse(r.stdout)).toEqual([null, null, 'dr', 'abuja', '/tmp']);
  });

  it('a program that does not exist is a plain Error', async () => {
    await expect(runner.exec(['drbot-no-such-program'], { timeoutMs: 1000 })).rejects.toThrow(/could not run drbot-no-such-program: .*ENOENT/);
    await expect(runner.exec([], { timeoutMs: 1000 })).rejects.toThrow(/empty argv/);
  });
});

/** Linux: a process that is gone, or a zombie waiting to be reaped, is not alive. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
