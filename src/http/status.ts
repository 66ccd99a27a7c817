import type { AppContext } from '../service/context.ts';
import { sendText, type Routes } from './server.ts';

/** `GET /status` (public HTML page) and `GET /status.json`. */
export function statusRoutes(_ctx: AppContext): Routes {
  return {
    'GET /status': (_req, res) => sendText(res, 501, 'Not available yet.\n'),
    'GET /status.json': (_req, res) => sendText(res, 501, 'Not available yet.\n'),
  };
}
