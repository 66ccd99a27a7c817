import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../helpers/until.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/redis.ts';
import { slackApp } from '../helpers/slackApp.ts';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A throwaway redis-server of this test's own (never the machine's shared one). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    p.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    p.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return p;
}


describe('Redis killed and restarted under a running drbot', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('drbot keeps working, /readyz says "ready, degraded", and wake-ups resume when Redis is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    let redis = await startRedis(port, dir);
    cleanups.push(() => void redis.kill('SIGKILL'));
    const url = `redis://127.0.0.1:${port}`;
    const s = await slackApp({ env: { REDIS_URL: url } });
    cleanups.push(() => s.close());
    // A second replica's view of the bus: what it hears from the first.
    const other = connectRedis(url);
    cleanups.push(() => other.close());
    let heard = 0;
    await other.bus.subscribe('steps', () => heard++);
    const ready = async () => {
      const r = await fetch(`${s.base}/readyz`);
      return { status: r.status, body: await r.json() };
    };
    expect(await ready()).toMatchObject({ status: 200, body: { ready: true, degraded: [] } });
    await s.app.ctx.wake();
    await until('a wake-up through Redis', () => heard > 0);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    const t = performance.now();
    const down = await ready();
    expect(down.status).toBe(200);
    expect(down.body.degraded).toEqual(['redis']);
    expect(down.body.checks.redis).toMatch(/^unreachable/);
    expect(performance.now() - t).toBeLessThan(3000);

    // Declaring and the chain still work: the schedule lives in the store.
    const declared = await s.command('declare sev2 Redis is gone but we are not');
    expect(declared.status).toBe(200);
    expect((await declared.json()).text).toContain('INC-1 declared');
    await until('the incident channel opened', async () => (await s.db.query<{ channel_id: string | null }>('SELECT channel_id FROM incidents WHERE id = 1'))[0]?.channel_id);

    redis = await startRedis(port, dir);
    const restartedAt = performance.now();
    await until('/readyz no longer degraded', async () => ((await ready()).body.degraded.length === 0 ? true : undefined));
    const before = heard;
    await until('wake-ups through Redis again', async () => {
      s.app.ctx.wake();
      await new Promise((r) => setTimeout(r, 100));
      return heard > before;
    });
    console.log(`Redis back: wake-ups resumed ${((performance.now() - restartedAt) / 1000).toFixed(1)} s after redis-server restarted`);
  });
});
