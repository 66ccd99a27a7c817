import type { Env } from './config/env.ts';

/** Each outbound integration and the variables it needs: shown at start so nothing is silently skipped. */
export function integrationStatus(env: Env): { name: string; configured: boolean; missing: string[] }[] {
  const need = (name: string, vars: (keyof Env)[]) => {
    const missing = vars.filter((v) => !env[v]);
    return { name, configured: missing.length === 0, missing };
  };
  const slack = env.SLACK_APP_TOKEN ? need('Slack (Socket Mode)', ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) : need('Slack (HTTP)', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  return [
    slack,
    need('PagerDuty pages', ['PAGERDUTY_ROUTING_KEY']),
    need('PagerDuty acknowledgements', ['PAGERDUTY_API_TOKEN']),
    need('Email', ['SMTP_URL']),
    need('GitHub (PIR, tracking issues)', ['GITHUB_TOKEN', 'GITHUB_REPO']),
    need('Statuspage', ['STATUSPAGE_API_KEY', 'STATUSPAGE_PAGE_ID']),
    {
      name: 'Route 53',
      configured: !!(env.AWS_ENDPOINT_URL_ROUTE_53 || process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_ROLE_ARN || process.env.AWS_WEB_IDENTITY_TOKEN_FILE),
      missing: ['AWS credentials'],
    },
  ];
}
