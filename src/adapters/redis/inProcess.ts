import { EventEmitter } from 'node:events';
import type { RateLimiter, WakeBus } from '../../ports.ts';

/** The Redis roles inside one process (no REDIS_URL): wake-ups and a local rate limit. */
export class InProcessWakeBus implements WakeBus {
  private readonly events = new EventEmitter();
  async publish(topic: string) {
    this.events.emit(topic);
  }
  async subscribe(topic: string, fn: () => void) {
    this.events.on(topic, fn);
  }
  async close() {
    this.events.removeAllListeners();
  }
}

export class InProcessRateLimiter implements RateLimiter {
  private readonly next = new Map<string, number>();
  async take(key: string, perSecond: number): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + 1000 / perSecond);
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
