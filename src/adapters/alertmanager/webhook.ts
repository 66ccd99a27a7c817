import { z } from 'zod';
import type { AlertBatch } from '../../inbound.ts';

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

export type ParsedWebhook = { ok: true; batch: AlertBatch } | { ok: false; error: string; problems: string[] };

/** An Alertmanager webhook body (already JSON-decoded) → the alerts the application takes in. */
export function parseAlertmanagerWebhook(data: unknown): ParsedWebhook {
  const parsed = webhookSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      error: 'not an Alertmanager webhook payload (version 4)',
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    };
  }
  return {
    ok: true,
    batch: {
      groupKey: parsed.data.groupKey,
      alerts: parsed.data.alerts.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, fingerprint: a.fingerprint })),
    },
  };
}
