import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Env } from '../config/env.ts';
import { intakeAlerts } from '../service/runbooks/alerts.ts';
import type { AppContext } from '../service/context.ts';
import { sendJson, sendText, type Routes } from './server.ts';

const BODY_MAX = 1024 * 1024;

const when = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 time').transform((s) => new Date(s));

/**
 * Alertmanager's webhook payload, version 4 (prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Unknown fields are allowed: Alertmanager adds them over time.
 */
const webhookSchema = z.object({
  version: z.string(),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  alerts: z.array(z.object({
    status: z.enum(['firing', 'resolved']),
    labels: z.record(z.string(), z.string()).refine((l) => !!l.alertname, 'expected labels.alertname'),
    annotations: z.record(z.string(), z.string()).default({}),
    startsAt: when,
    fingerprint: z.string().min(1).max(200),
  }).loose()).min(1).max(500),
}).loose();

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= BODY_MAX) chunks.push(c);
    });
    req.on('end', () => resolve(size > BODY_MAX ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `POST /alerts`: Prometheus Alertmanager webhooks (bearer DRBOT_ALERTS_TOKEN). */
export function alertRoutes(ctx: AppContext, env: Env): Routes {
  return {
    'POST /alerts': async (req, res) => {
      const token = env.DRBOT_ALERTS_TOKEN;
      if (!token) {
        return sendText(res, 503, 'Alert intake is not configured: set DRBOT_ALERTS_TOKEN, and give Alertmanager the same value as its webhook bearer token (http_config.authorization.credentials).\n');
      }
      if (!bearerMatches(req.headers.authorization, token)) {
        res.setHeader('www-authenticate', 'Bearer realm="drbot alerts"');
        return sendText(res, 401, 'Missing or wrong bearer token (Authorization: Bearer <DRBOT_ALERTS_TOKEN>).\n');
      }
      const raw = await readBody(req);
      if (raw === undefined) return sendText(res, 413, `The body is larger than ${BODY_MAX} bytes.\n`);
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        return sendText(res, 400, 'The body is not JSON: expected an Alertmanager webhook payload.\n');
      }
      const parsed = webhookSchema.safeParse(data);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
        return sendJson(res, 400, { error: 'not an Alertmanager webhook payload (version 4)', problems });
      }
      const outcomes = await intakeAlerts(ctx, parsed.data.groupKey, parsed.data.alerts);
      ctx.log.info({ groupKey: parsed.data.groupKey, alerts: outcomes.length }, 'alerts received');
      return sendJson(res, 200, { alerts: outcomes });
    },
  };
}
