import type { Env } from './env.ts';

/** Which transport people use: the console when asked for, or when no Slack bot token is set. */
export function chatTransport(env: Pick<Env, 'DRBOT_CONSOLE' | 'SLACK_BOT_TOKEN'>): 'console' | 'slack' {
  return env.DRBOT_CONSOLE === 'on' || (env.DRBOT_CONSOLE === 'auto' && !env.SLACK_BOT_TOKEN) ? 'console' : 'slack';
}
