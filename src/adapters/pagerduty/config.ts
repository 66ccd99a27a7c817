import { Agent } from 'node:https';
import { z } from 'zod';
import { secret } from '../../config/fields.ts';

/** An unset variable often arrives as an empty string: treat it as absent. */
const optionalText = z.string().optional().transform((v) => v || undefined);

/** @pagerduty/pdjs always speaks HTTPS to its `server`, so an http:// URL cannot be honoured. */
const httpsUrl = (description: string) =>
  z.string().url().refine((u) => new URL(u).protocol === 'https:', {
    message: 'must be an https:// URL: @pagerduty/pdjs always speaks HTTPS (give a local stand-in a TLS certificate)',
  }).describe(description);

export const pagerDutyConfigSchema = z.object({
  routingKey: secret(optionalText, 'Events API v2 routing key used when a page names none (PAGERDUTY_ROUTING_KEY)'),
  eventsUrl: httpsUrl('Events API base URL, e.g. https://events.pagerduty.com; a trailing /v2 is accepted (PAGERDUTY_EVENTS_URL)'),
  apiToken: secret(optionalText, 'REST API token, to read acknowledgements back (PAGERDUTY_API_TOKEN)'),
  apiUrl: httpsUrl('REST API base URL, e.g. https://api.pagerduty.com (PAGERDUTY_API_URL)'),
  retryTimeoutMs: z.number().int().min(0).default(0)
    .describe("Wait between pdjs's own 429 retries (it always makes 3 and ignores Retry-After); 0 so drbot's scheduler owns the backoff"),
  timeoutMs: z.number().int().positive().default(10_000).describe('Per-request timeout (connect to end of body)'),
  agent: z.instanceof(Agent).optional().describe('https.Agent, e.g. one trusting a stand-in\'s throwaway CA (NODE_EXTRA_CA_CERTS works too)'),
});

export type PagerDutyOptions = z.input<typeof pagerDutyConfigSchema>;
export type PagerDutyConfig = z.output<typeof pagerDutyConfigSchema>;

/** Parses the options; the message names the field and what is wrong, never a value. */
export function parsePagerDutyConfig(o: PagerDutyOptions): PagerDutyConfig {
  const r = pagerDutyConfigSchema.safeParse(o);
  if (r.success) return r.data;
  throw new Error(`PagerDuty settings: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** The adapter's options from drbot's environment variables (see src/config/env.ts). */
export function pagerDutyOptionsFromEnv(env: {
  PAGERDUTY_ROUTING_KEY?: string; PAGERDUTY_EVENTS_URL: string; PAGERDUTY_API_TOKEN?: string; PAGERDUTY_API_URL: string;
}): PagerDutyOptions {
  return { routingKey: env.PAGERDUTY_ROUTING_KEY, eventsUrl: env.PAGERDUTY_EVENTS_URL, apiToken: env.PAGERDUTY_API_TOKEN, apiUrl: env.PAGERDUTY_API_URL };
}

/**
 * pdjs takes `server` (host[:port]) and builds `https://${server}/v2/enqueue` or
 * `https://${server}/${endpoint}` itself. A path prefix (a proxy) rides along after the host.
 */
export function pdjsServer(url: string, o: { dropV2?: boolean } = {}): string {
  const u = new URL(url);
  let path = u.pathname.replace(/\/+$/, '');
  // The Events description's server is `https://events.pagerduty.com/v2`; pdjs adds /v2 itself.
  if (o.dropV2) path = path.replace(/\/v2$/, '');
  return `${u.host}${path}`;
}
