import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ALERTS_BODY_LIMIT, formatBytes, readLimitedBody, type BufferedRequest } from './bodyLimit.ts';
import type { AppContext } from '../service/context.ts';
import type { AlertBatch } from '../inbound.ts';
import { intakeAlerts } from '../service/runbooks/alerts.ts';
import { sendJson, sendText, type Routes } from './server.ts';

/** The Alertmanager adapter's parser (app.ts hands it in): the alerts, or what is wrong with the payload. */
export type ParseAlerts = (data: unknown) => { ok: true; batch: AlertBatch } | { ok: false; error: string; problems: string[] };

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The body the server already read within the route's limit (or, outside the server, read here). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const raw = (req as BufferedRequest).rawBody ?? (await readLimitedBody(req, ALERTS_BODY_LIMIT));
  return raw?.toString('utf8');
}

/** `POST /alerts`: Prometheus Alertmanager webhooks (bearer DRBOT_ALERTS_TOKEN) → alert intake. */
export function alertRoutes(ctx: AppContext, o: { token?: string; parse: ParseAlerts }): Routes {
  return {
    'POST /alerts': async (req, res) => {
      if (!o.token) {
        return sendText(res, 503, 'Alert intake is not configured: set DRBOT_ALERTS_TOKEN, and give Alertmanager the same value as its webhook bearer token (http_config.authorization.credentials).\n');
      }
      if (!bearerMatches(req.headers.authorization, o.token)) {
        res.setHeader('www-authenticate', 'Bearer realm="drbot alerts"');
        return sendText(res, 401, 'Missing or wrong bearer token (Authorization: Bearer <DRBOT_ALERTS_TOKEN>).\n');
      }
      const raw = await readBody(req);
      if (raw === undefined) return sendText(res, 413, `The body is larger than ${formatBytes(ALERTS_BODY_LIMIT)}.\n`);
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        return sendText(res, 400, 'The body is not JSON: expected an Alertmanager webhook payload.\n');
      }
      const parsed = o.parse(data);
      if (!parsed.ok) return sendJson(res, 400, { error: parsed.error, problems: parsed.problems });
      const outcomes = await intakeAlerts(ctx, parsed.batch.groupKey, parsed.batch.alerts);
      ctx.log.info({ groupKey: parsed.batch.groupKey, alerts: outcomes.length }, 'alerts received');
      return sendJson(res, 200, { alerts: outcomes });
    },
  };
}
