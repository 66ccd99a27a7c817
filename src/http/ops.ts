import type { Health } from '../ports.ts';
import type { Db } from '../store/db.ts';
import { sendJson, sendText, type Routes } from './server.ts';

/** /healthz (the process answers), /readyz (store and, when configured, Redis reachable), /metrics. */
export function opsRoutes(o: { db: Db; redis?: Health; metrics: () => Promise<{ contentType: string; text: string }> }): Routes {
  return {
    'GET /healthz': (_req, res) => sendText(res, 200, 'ok\n'),
    'GET /readyz': async (_req, res) => {
      const checks: Record<string, string> = {};
      const check = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await withTimeout(fn(), 2000);
          checks[name] = 'ok';
        } catch (e) {
          checks[name] = `unreachable: ${(e as Error).message}`;
        }
      };
      await check('store', () => o.db.query('SELECT 1'));
      if (o.redis) await check('redis', () => o.redis!.ping());
      const ready = Object.values(checks).every((c) => c === 'ok');
      sendJson(res, ready ? 200 : 503, { ready, checks });
    },
    'GET /metrics': async (_req, res) => {
      const { contentType, text } = await o.metrics();
      sendText(res, 200, text, contentType);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(t)), new Promise<T>((_, r) => (t = setTimeout(() => r(new Error(`no answer in ${ms} ms`)), ms)))]);
}
