import { Redis } from 'ioredis';
import type { Health, RateLimiter, WakeBus } from '../../ports.ts';
import { InProcessRateLimiter } from './inProcess.ts';

/**
 * The Redis roles across replicas: wake-ups (pub/sub) and shared rate limits. Redis is never
 * the source of truth: losing it only makes replicas notice new work a little later.
 */
export function connectRedis(url: string): { bus: WakeBus; limiter: RateLimiter; health: Health; close(): Promise<void> } {
  const opts = { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const pub = new Redis(url, opts);
  const sub = new Redis(url, opts);
  // Errors surface through /readyz; a reconnecting client must not crash the process.
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  const listeners = new Map<string, (() => void)[]>();
  sub.on('message', (channel: string) => listeners.get(channel)?.forEach((fn) => fn()));
  // Redis down at start or restarted later: subscribe (again) whenever the connection is ready.
  sub.on('ready', () => {
    for (const channel of listeners.keys()) sub.subscribe(channel).catch(() => undefined);
  });
  const local = new InProcessRateLimiter();

  const bus: WakeBus = {
    async publish(topic) {
      await pub.publish(`drbot:${topic}`, '1');
    },
    async subscribe(topic, fn) {
      const channel = `drbot:${topic}`;
      listeners.set(channel, [...(listeners.get(channel) ?? []), fn]);
      await sub.subscribe(channel).catch(() => undefined);
    },
    async close() {},
  };

  // A shared slot per key: each caller reserves the next free instant atomically.
  const limiter: RateLimiter = {
    async take(key, perSecond) {
      const gap = Math.ceil(1000 / perSecond);
      // Without Redis the limit is kept per replica: slower to coordinate, never blocking.
      const at = Number(await pub.eval(
        `local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)
         local nxt = tonumber(redis.call('GET', KEYS[1]) or '0'); local at = math.max(now, nxt)
         redis.call('SET', KEYS[1], at + ARGV[1], 'PX', ARGV[1] * 10)
         return at - now`,
        1, `drbot:rate:${key}`, String(gap),
      ).catch(() => local.take(key, perSecond).then(() => 0)));
      if (at > 0) await new Promise((r) => setTimeout(r, at));
    },
  };

  return {
    bus,
    limiter,
    health: { ping: async () => void (await pub.ping()) },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
