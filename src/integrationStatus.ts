import { SIMULATED_GITHUB } from './adapters/github/simulated.ts';
import { SIMULATED_ROUTE53 } from './adapters/route53/simulated.ts';
import { SIMULATED_STATUSPAGE } from './adapters/statuspage/simulated.ts';
import type { Env } from './config/env.ts';

/** Which integrations have a built-in simulation, and the label every message about it carries (the adapter's own). */
export const SIMULATION_LABELS = { github: SIMULATED_GITHUB, statuspage: SIMULATED_STATUSPAGE, route53: SIMULATED_ROUTE53 } as const;

export interface IntegrationState {
  name: string;
  configured: boolean;
  missing: string[];
  /** Without credentials and with DRBOT_SIMULATE=auto: the simulation's label. */
  simulated?: string;
}

/**
 * The built-in simulations stand in for integrations without credentials unless the operator
 * turned them off (DRBOT_SIMULATE=off) or this is a production set-up (DATABASE_URL is set):
 * there, missing credentials stay "not sent (no credentials)".
 */
export function simulationOn(env: Env): boolean {
  return env.DRBOT_SIMULATE !== 'off' && !env.DATABASE_URL;
}

/** Each outbound integration and the variables it needs: shown at start so nothing is silently skipped. */
export function integrationStatus(env: Env): IntegrationState[] {
  const sim = simulationOn(env);
  const need = (name: string, vars: (keyof Env)[], label?: string): IntegrationState => {
    const missing = vars.filter((v) => !env[v]);
    const configured = missing.length === 0;
    return { name, configured, missing, ...(!configured && sim && label ? { simulated: label } : {}) };
  };
  const slack = env.SLACK_APP_TOKEN ? need('Slack (Socket Mode)', ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) : need('Slack (HTTP)', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  const aws = !!(env.AWS_ENDPOINT_URL_ROUTE_53 || process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_ROLE_ARN
    || process.env.AWS_WEB_IDENTITY_TOKEN_FILE || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
  return [
    slack,
    need('PagerDuty pages', ['PAGERDUTY_ROUTING_KEY']),
    need('PagerDuty acknowledgements', ['PAGERDUTY_API_TOKEN']),
    need('Email', ['SMTP_URL']),
    need('GitHub (PIR, tracking issues)', ['GITHUB_TOKEN', 'GITHUB_REPO'], SIMULATION_LABELS.github),
    need('Statuspage', ['STATUSPAGE_API_KEY', 'STATUSPAGE_PAGE_ID'], SIMULATION_LABELS.statuspage),
    {
      name: 'Route 53',
      configured: aws,
      missing: ['AWS credentials'],
      ...(!aws && sim ? { simulated: SIMULATION_LABELS.route53 } : {}),
    },
  ];
}
