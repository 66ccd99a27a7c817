import { z } from 'zod';
import { secret } from './fields.ts';

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** An absolute http:// or https:// URL (a relative `example.com/api` is not one). */
export function isHttpUrl(s: string): boolean {
  const u = parseUrl(s);
  return !!u && (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
}

/**
 * A PostgreSQL URL `pg` can connect with: postgres:// or postgresql://, with a host in the URL or
 * in `?host=` (a Unix socket). `pg` reads anything else relative to a dummy `postgres://base`, so
 * `postgres//nohost` would pass and fail later with a stack.
 */
export function isPostgresUrl(s: string): boolean {
  // An empty host with a user (`postgres://u:p@/db?host=/run/postgresql`) is not a WHATWG URL.
  const u = parseUrl(s) ?? parseUrl(s.replace('@/', '@__nohost__/'));
  if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')) return false;
  const host = u.hostname === '__nohost__' ? '' : u.hostname;
  return host !== '' || !!u.searchParams.get('host');
}

export function isRedisUrl(s: string): boolean {
  const u = parseUrl(s);
  return !!u && (u.protocol === 'redis:' || u.protocol === 'rediss:');
}

/**
 * A URL as it may be shown in an error: its password (in the user part or a `password=`
 * parameter) replaced by ****. Something that does not even look like a URL is not shown.
 */
export function maskUrl(s: string): string | undefined {
  if (!s.includes('/')) return undefined;
  const u = parseUrl(s);
  if (u && u.password) u.password = '****';
  const shown = u && u.href.startsWith(`${u.protocol}//`) ? u.href : s;
  return shown.replace(/^([^/@]*\/\/[^/:@]*:)[^@]*@/, '$1****@').replace(/([?&](?:password|pass)=)[^&#]*/gi, '$1****');
}

const HTTP_URL = 'must be an http:// or https:// URL';
/** Messages that start with "must": readEnv adds the variable's name and the value it got. */
const url = (description: string) => z.string().refine(isHttpUrl, HTTP_URL).describe(description);
const PORT_RULE = 'must be a whole number from 0 to 65535';

/**
 * Every environment variable drbot reads. Secrets live here only, never in the data folders.
 * The README's reference table is generated from this schema (`npm run config-docs`).
 */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: secret(z.string().startsWith('xox', 'must start with xox (a bot token, xoxb-…)').optional(), 'Slack bot token (xoxb-…); with SLACK_SIGNING_SECRET: Slack over HTTP'),
  SLACK_SIGNING_SECRET: secret(z.string().min(8, 'must be at least 8 characters (the app\'s Signing Secret)').optional(), 'Slack signing secret: requests to POST /slack/events are verified with it'),
  SLACK_APP_TOKEN: secret(z.string().startsWith('xapp-', 'must start with xapp- (an app-level token)').optional(), 'Slack app-level token (xapp-…): Socket Mode instead of HTTP'),
  SLACK_API_URL: url('Slack Web API base URL').default('https://slack.com/api/'),
  PORT: z.coerce.number({ error: PORT_RULE }).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE).default(3000).describe('HTTP port (/slack/events, /healthz, /readyz, /metrics, /status)'),
  DATABASE_URL: secret(z.string().refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL with a host').optional(), 'PostgreSQL connection URL; unset: embedded PGlite in DRBOT_DATA_DIR'),
  DRBOT_DATA_DIR: z.string().default('./.drbot').describe('Folder of the embedded PGlite database (when DATABASE_URL is unset) and of the local journal of declares received while the database is unreachable'),
  REDIS_URL: secret(z.string().refine(isRedisUrl, 'must be a redis:// or rediss:// URL').optional(), 'Redis URL for cross-replica wake-ups, shared rate limits and caches; unset: in-process'),
  DRBOT_CONFIG_DIR: z.string().optional().describe('Folder holding drbot.yml, contacts.yml, commands/, notifications/, templates/ (default: the project root)'),
  PAGERDUTY_ROUTING_KEY: secret(z.string().optional(), 'PagerDuty Events API v2 routing key (default for every escalation level)'),
  PAGERDUTY_EVENTS_URL: url('PagerDuty Events API base URL').default('https://events.pagerduty.com'),
  PAGERDUTY_API_TOKEN: secret(z.string().optional(), 'PagerDuty REST API token (acknowledgements are read back with it)'),
  PAGERDUTY_API_URL: url('PagerDuty REST API base URL').default('https://api.pagerduty.com'),
  SMTP_URL: secret(z.string().optional(), 'SMTP server URL, e.g. smtps://user:pass@smtp.example.com:465'),
  EMAIL_FROM: z.string().default('drbot <drbot@localhost>').describe('From address of drbot\'s email'),
  GITHUB_TOKEN: secret(z.string().optional(), 'GitHub token for the PIR pull request and tracking issues'),
  GITHUB_REPO: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name').optional().describe('GitHub repository (owner/name) for PIRs and issues'),
  GITHUB_API_URL: url('GitHub REST API base URL').default('https://api.github.com'),
  STATUSPAGE_API_KEY: secret(z.string().optional(), 'Atlassian Statuspage API key'),
  STATUSPAGE_PAGE_ID: z.string().optional().describe('Atlassian Statuspage page id'),
  STATUSPAGE_API_URL: url('Statuspage API base URL').default('https://api.statuspage.io/v1'),
  AWS_ENDPOINT_URL_ROUTE_53: z.string().refine(isHttpUrl, HTTP_URL).optional().describe('Route 53 endpoint (tests, drills); other AWS_* variables are read by the AWS SDK itself'),
  DRBOT_ALERTS_TOKEN: secret(z.string().min(16, 'must be at least 16 characters').optional(), 'Bearer token required on POST /alerts (Alertmanager webhooks)'),
  DRBOT_ACTION_HMAC_KEY: secret(z.string().min(16, 'must be at least 16 characters').optional(), 'Key that signs the `http` recovery actions (HMAC-SHA256 header)'),
  DRBOT_CONSOLE: z.enum(['auto', 'on', 'off']).default('auto').describe('Local console on stdin: auto = when no Slack credentials are set'),
  DRBOT_SIMULATE: z.enum(['auto', 'off']).default('auto')
    .describe('Integrations without credentials (Route 53, GitHub, Statuspage): auto = run them against a built-in simulation, labelled "simulated" in every message, with its state in DRBOT_DATA_DIR and nothing leaving the machine, unless DATABASE_URL is set (production); off = record their steps as "not sent (no credentials)"'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  DRBOT_INSTANCE_ID: z.string().optional().describe('Name of this replica in leases and logs (default: host name and pid)'),
  DRBOT_REGION: z.string().regex(/^[\w.-]{1,40}$/, 'must be a short name such as lagos or eu-west-1').optional()
    .describe('Region this drbot runs in; a standby on a read-only replica names the active drbot\'s region in its answers'),
});

export type Env = z.infer<typeof envSchema>;

/** Names of the variables whose values are secrets (for log redaction). */
export function secretEnvNames(): string[] {
  return Object.entries(envSchema.shape)
    .filter(([, s]) => (s.description ?? '').includes('(secret)'))
    .map(([name]) => name);
}
