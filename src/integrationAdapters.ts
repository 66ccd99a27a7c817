import type { Agent } from 'node:https';
import { createActionRunner } from './adapters/actions/index.ts';
import { createMailer, emailOptionsFromEnv } from './adapters/email/index.ts';
import { createGitHubTracker } from './adapters/github/index.ts';
import { createPagerDuty, pagerDutyOptionsFromEnv } from './adapters/pagerduty/index.ts';
import { createRoute53Dns } from './adapters/route53/index.ts';
import { createStatusPage } from './adapters/statuspage/index.ts';
import type { Env } from './config/env.ts';
import type { IntegrationPorts } from './ports.ts';

/**
 * Builds the adapter behind each outbound integration port (PagerDuty, email, GitHub,
 * Statuspage, Route 53, recovery actions) from the environment. An adapter without credentials
 * says so on use (`integrationStatus.ts` lists which are configured).
 */
export function createIntegrationAdapters(env: Env, o: { pagerAgent?: Agent; fetch?: typeof fetch; now?: () => Date } = {}): IntegrationPorts {
  // The application's clock: a provider's Retry-After date is read against it.
  const now = o.now ?? (() => new Date());
  return {
    pager: createPagerDuty({ ...pagerDutyOptionsFromEnv(env), agent: o.pagerAgent, now }),
    mailer: createMailer(emailOptionsFromEnv(env)),
    tracker: createGitHubTracker({ token: env.GITHUB_TOKEN, repo: env.GITHUB_REPO, apiUrl: env.GITHUB_API_URL, fetch: o.fetch, now }),
    statusPage: createStatusPage({ apiKey: env.STATUSPAGE_API_KEY, pageId: env.STATUSPAGE_PAGE_ID, apiUrl: env.STATUSPAGE_API_URL, fetch: o.fetch, now }),
    dns: createRoute53Dns({ ...(env.AWS_ENDPOINT_URL_ROUTE_53 ? { endpoint: env.AWS_ENDPOINT_URL_ROUTE_53 } : {}), now }),
    actions: createActionRunner({ hmacKey: env.DRBOT_ACTION_HMAC_KEY, now }),
  };
}
