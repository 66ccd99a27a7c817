import { ConfigError, describeZodIssues } from './errors.ts';
import { envSchema, type Env } from './env.ts';

/** Validates the environment (passed in, probot-style, so tests need not touch process.env). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const picked = Object.fromEntries(Object.keys(envSchema.shape).filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = envSchema.safeParse(picked, { reportInput: true });
  if (!parsed.success) throw new ConfigError('CONFIG_INVALID', describeZodIssues('environment', parsed.error));
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push('environment: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode): set one of them');
  }
  if ((e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) && !e.SLACK_BOT_TOKEN) {
    problems.push('environment: SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set without SLACK_BOT_TOKEN: set the bot token (xoxb-…) too');
  }
  if (!!e.STATUSPAGE_API_KEY !== !!e.STATUSPAGE_PAGE_ID) problems.push('environment: STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID go together: set both or neither');
  if (!!e.GITHUB_TOKEN !== !!e.GITHUB_REPO) problems.push('environment: GITHUB_TOKEN and GITHUB_REPO go together: set both or neither');
  if (problems.length) throw new ConfigError('CONFIG_INVALID', problems);
  return e;
}

/** The values of the secret variables that are set (the logger scrubs them from every line). */
export function secretValues(env: Env, names: string[]): string[] {
  return names.map((n) => env[n as keyof Env]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}
