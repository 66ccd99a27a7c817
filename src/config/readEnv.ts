import type { z } from 'zod';
import { ConfigError, fieldPath, friendly } from './errors.ts';
import { envSchema, maskUrl, secretEnvNames, type Env } from './env.ts';

/**
 * The value a variable had, as an error may show it: quoted; a secret URL with its password
 * masked; any other secret (a token) not at all.
 */
function shownValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!secretEnvNames().includes(name)) return JSON.stringify(value);
  const masked = name.endsWith('_URL') ? maskUrl(value) : undefined;
  return masked === undefined ? undefined : JSON.stringify(masked);
}

/** `environment: PORT must be a whole number from 0 to 65535 (got "abc")`: one line per variable. */
function envProblem(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '');
  if (!issue.message.startsWith('must ')) return `environment: ${fieldPath(issue.path)}: ${friendly(issue)}`;
  const got = shownValue(name, env[name]);
  return `environment: ${name} ${issue.message}${got === undefined ? '' : ` (got ${got})`}`;
}

/** Validates the environment (passed in, probot-style, so tests need not touch process.env). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const picked = Object.fromEntries(Object.keys(envSchema.shape).filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = envSchema.safeParse(picked, { reportInput: true });
  if (!parsed.success) throw new ConfigError('CONFIG_INVALID', [...new Set(parsed.error.issues.map((i) => envProblem(i, picked)))]);
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
