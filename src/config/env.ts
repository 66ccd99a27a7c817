import { z } from 'zod';
import { secret } from './fields.ts';

const url = (description: string) => z.string().url().describe(description);

/**
 * Every environment variable drbot reads. Secrets live here only, never in the data folders.
 * The README's reference table is generated from this schema (`npm run config-docs`).
 */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: secret(z.string().startsWith('xox').optional(), 'Slack bot token (xoxb-…); with SLACK_SIGNING_SECRET: Slack over HTTP'),
  SLACK_SIGNING_SECRET: secret(z.string().min(8).optional(), 'Slack signing secret: requests to POST /slack/events are verified with it'),
  SLACK_APP_TOKEN: secret(z.string().startsWith('xapp-').optional(), 'Slack app-level token (xapp-…): Socket Mode instead of HTTP'),
  SLACK_API_URL: url('Slack Web API base URL').default('https://slack.com/api/'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port (/slack/events, /healthz, /readyz, /metrics, /status)'),
  DATABASE_URL: secret(z.string().optional(), 'PostgreSQL connection URL; unset: embedded PGlite in DRBOT_DATA_DIR'),
  DRBOT_DATA_DIR: z.string().default('./.drbot').describe('Folder of the embedded PGlite database (when DATABASE_URL is unset)'),
  REDIS_URL: secret(z.string().optional(), 'Redis URL for cross-replica wake-ups, shared rate limits and caches; unset: in-process'),
  DRBOT_CONFIG_DIR: z.string().optional().describe('Folder holding drbot.yml, contacts.yml, commands/, notifications/, templates/ (default: the project root)'),
  PAGERDUTY_ROUTING_KEY: secret(z.string().optional(), 'PagerDuty Events API v2 routing key (default for every escalation level)'),
  PAGERDUTY_EVENTS_URL: url('PagerDuty Events API base URL').default('https://events.pagerduty.com'),
  PAGERDUTY_API_TOKEN: secret(z.string().optional(), 'PagerDuty REST API token (acknowledgements are read back with it)'),
  PAGERDUTY_API_URL: url('PagerDuty REST API base URL').default('https://api.pagerduty.com'),
  SMTP_URL: secret(z.string().optional(), 'SMTP server URL, e.g. smtps://user:pass@smtp.example.com:465'),
  EMAIL_FROM: z.string().default('drbot <drbot@localhost>').describe('From address of drbot\'s email'),
  GITHUB_TOKEN: secret(z.string().optional(), 'GitHub token for the PIR pull request and tracking issues'),
  GITHUB_REPO: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name').optional().describe('GitHub repository (owner/name) for PIRs and issues'),
  GITHUB_API_URL: url('GitHub REST API base URL').default('https://api.github.com'),
  STATUSPAGE_API_KEY: secret(z.string().optional(), 'Atlassian Statuspage API key'),
  STATUSPAGE_PAGE_ID: z.string().optional().describe('Atlassian Statuspage page id'),
  STATUSPAGE_API_URL: url('Statuspage API base URL').default('https://api.statuspage.io/v1'),
  AWS_ENDPOINT_URL_ROUTE_53: z.string().url().optional().describe('Route 53 endpoint (tests, drills); other AWS_* variables are read by the AWS SDK itself'),
  DRBOT_ALERTS_TOKEN: secret(z.string().min(16).optional(), 'Bearer token required on POST /alerts (Alertmanager webhooks)'),
  DRBOT_ACTION_HMAC_KEY: secret(z.string().min(16).optional(), 'Key that signs the `http` recovery actions (HMAC-SHA256 header)'),
  DRBOT_CONSOLE: z.enum(['auto', 'on', 'off']).default('auto').describe('Local console on stdin: auto = when no Slack credentials are set'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  DRBOT_INSTANCE_ID: z.string().optional().describe('Name of this replica in leases and logs (default: host name and pid)'),
});

export type Env = z.infer<typeof envSchema>;

/** Names of the variables whose values are secrets (for log redaction). */
export function secretEnvNames(): string[] {
  return Object.entries(envSchema.shape)
    .filter(([, s]) => (s.description ?? '').includes('(secret)'))
    .map(([name]) => name);
}
