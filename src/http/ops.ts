import type { Readiness } from '../service/readiness.ts';
import { sendJson, sendText, type Routes } from './server.ts';

/**
 * /healthz (the process answers), /readyz (503 only when the store does not answer; Redis down
 * is "ready, degraded", named in the body), /metrics (Prometheus text).
 */
export function opsRoutes(o: { readiness: () => Promise<Readiness>; metrics: () => Promise<{ contentType: string; text: string }> }): Routes {
  return {
    'GET /healthz': (_req, res) => sendText(res, 200, 'ok\n'),
    'GET /readyz': async (_req, res) => {
      const r = await o.readiness();
      sendJson(res, r.ready ? 200 : 503, r);
    },
    'GET /metrics': async (_req, res) => {
      const { contentType, text } = await o.metrics();
      sendText(res, 200, text, contentType);
    },
  };
}
