import type { Health } from '../ports.ts';
import { withTimeout } from '../core/withTimeout.ts';
import type { Queryable } from '../store/db.ts';
import { pingStore } from '../store/sql/pingStore.ts';

/** What GET /readyz answers. */
export interface Readiness {
  /** False only when the store does not answer: drbot cannot work without it. */
  ready: boolean;
  /**
   * What does not answer but drbot works without (Redis: replicas then wake each other only on
   * their own polling, and rate limits are per replica). Empty when all is well.
   */
  degraded: string[];
  /** Each dependency: `ok`, or `unreachable: <why>`. */
  checks: Record<string, string>;
}

/** Checks the store and, when configured, Redis, each within `timeoutMs`, side by side. */
export async function checkReadiness(o: { db: Queryable; redis?: Health; timeoutMs?: number }): Promise<Readiness> {
  const ms = o.timeoutMs ?? 2000;
  const check = async (fn: () => Promise<unknown>): Promise<string> => {
    try {
      await withTimeout(fn(), ms, () => new Error(`no answer in ${ms} ms`));
      return 'ok';
    } catch (e) {
      return `unreachable: ${(e as Error).message}`;
    }
  };
  const [store, redis] = await Promise.all([check(() => pingStore(o.db)), o.redis ? check(() => o.redis!.ping()) : undefined]);
  const checks: Record<string, string> = { store };
  if (redis !== undefined) checks.redis = redis;
  return { ready: store === 'ok', degraded: redis !== undefined && redis !== 'ok' ? ['redis'] : [], checks };
}
