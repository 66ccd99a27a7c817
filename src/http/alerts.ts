import type { Env } from '../config/env.ts';
import type { AppContext } from '../service/context.ts';
import { sendText, type Routes } from './server.ts';

/** `POST /alerts`: Prometheus Alertmanager webhooks (bearer DRBOT_ALERTS_TOKEN). */
export function alertRoutes(_ctx: AppContext, _env: Env): Routes {
  return { 'POST /alerts': (_req, res) => sendText(res, 501, 'Alert intake is not available yet.\n') };
}
