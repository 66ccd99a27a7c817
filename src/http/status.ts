import type { ServerResponse } from 'node:http';
import type { AppContext } from '../service/context.ts';
import { loadPublicStatus } from '../service/publicStatus.ts';
import { renderPublicStatusPage } from '../service/publicStatusPage.ts';
import type { Routes } from './server.ts';

// Inline styles only: nothing else may load (no scripts, fonts, images or frames).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'public, max-age=15',
    'x-content-type-options': 'nosniff', ...extra,
  });
  res.end(body);
}

/** `GET /status` (public HTML page) and `GET /status.json`: private and drill incidents never appear. */
export function statusRoutes(ctx: AppContext): Routes {
  return {
    'GET /status': async (_req, res) => {
      send(res, 'text/html; charset=utf-8', await renderPublicStatusPage(ctx), { 'content-security-policy': CSP });
    },
    'GET /status.json': async (_req, res) => {
      send(res, 'application/json; charset=utf-8', JSON.stringify(await loadPublicStatus(ctx)), { 'access-control-allow-origin': '*' });
    },
  };
}
