import type { Agent } from 'node:https';
import { join } from 'node:path';
import { createActionRunner } from './adapters/actions/index.ts';
import { createMailer, emailOptionsFromEnv } from './adapters/email/index.ts';
import { createGitHubTracker } from './adapters/github/index.ts';
import { createSimulatedGitHub } from './adapters/github/simulated.ts';
import { createPagerDuty, pagerDutyOptionsFromEnv } from './adapters/pagerduty/index.ts';
import { createRoute53Dns } from './adapters/route53/index.ts';
import { createSimulatedRoute53, type SimulatedRoute53Seed } from './adapters/route53/simulated.ts';
import { createStatusPage } from './adapters/statuspage/index.ts';
import { createSimulatedStatusPage } from './adapters/statuspage/simulated.ts';
import type { Env } from './config/env.ts';
import { integrationStatus, SIMULATION_LABELS as SIMULATED } from './integrationStatus.ts';
import type { IntegrationPorts } from './ports.ts';

export interface IntegrationAdapterOptions {
  pagerAgent?: Agent;
  fetch?: typeof fetch;
  /** What the simulated Route 53 holds at first (built from the runbooks by app wiring). */
  dnsSeed?: SimulatedRoute53Seed;
  /** The application's clock (a provider's Retry-After date is read against it). */
  now?: () => Date;
}

/**
 * Builds the adapter behind each outbound integration port (PagerDuty, email, GitHub,
 * Statuspage, Route 53, recovery actions) from the environment. An adapter without credentials
 * says so on use (`integrationStatus.ts` lists which are configured) — or, with
 * DRBOT_SIMULATE=auto outside production, the built-in simulation stands in for it, its state
 * kept under DRBOT_DATA_DIR.
 */
export function createIntegrationAdapters(env: Env, o: IntegrationAdapterOptions = {}): IntegrationPorts {
  // The application's clock: a provider's Retry-After date is read against it.
  const now = o.now ?? (() => new Date());
  const simulated = new Set(integrationStatus(env).filter((i) => i.simulated).map((i) => i.simulated));
  const has = (label: string) => simulated.has(label);
  const data = env.DRBOT_DATA_DIR;
  const { github, statuspage, route53 } = SIMULATED;
  return {
    pager: createPagerDuty({ ...pagerDutyOptionsFromEnv(env), agent: o.pagerAgent, now }),
    mailer: createMailer(emailOptionsFromEnv(env)),
    tracker: has(github)
      ? createSimulatedGitHub({ dir: join(data, 'simulated-github') })
      : createGitHubTracker({ token: env.GITHUB_TOKEN, repo: env.GITHUB_REPO, apiUrl: env.GITHUB_API_URL, fetch: o.fetch, now }),
    statusPage: has(statuspage)
      ? createSimulatedStatusPage({ file: join(data, 'simulated-statuspage.json') })
      : createStatusPage({ apiKey: env.STATUSPAGE_API_KEY, pageId: env.STATUSPAGE_PAGE_ID, apiUrl: env.STATUSPAGE_API_URL, fetch: o.fetch, now }),
    dns: has(route53)
      ? createSimulatedRoute53({ seed: o.dnsSeed ?? { zones: {}, healthChecks: {} }, file: join(data, 'simulated-route53.json') })
      : createRoute53Dns({ ...(env.AWS_ENDPOINT_URL_ROUTE_53 ? { endpoint: env.AWS_ENDPOINT_URL_ROUTE_53 } : {}), now }),
    actions: createActionRunner({ hmacKey: env.DRBOT_ACTION_HMAC_KEY, now }),
  };
}
