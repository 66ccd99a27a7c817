import { z } from 'zod';
import { secret } from '../../config/fields.ts';

/** What `exec` actions see of drbot's own environment. Never drbot's tokens: only these. */
export const DEFAULT_INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'KUBECONFIG', 'AWS_PROFILE', 'AWS_REGION', 'AWS_CONFIG_FILE'];

export const actionsConfigSchema = z.object({
  hmacKey: secret(z.string().min(16).optional(), 'DRBOT_ACTION_HMAC_KEY: signs the timestamp and body of every `http` action (HMAC-SHA256); unset: `http` actions are not sent'),
  maxOutputBytes: z.number().int().positive().default(4096)
    .describe('Bytes kept of each of stdout and stderr of an `exec` action, and of an `http` answer'),
  killGraceMs: z.number().int().nonnegative().default(2000)
    .describe('On timeout the process group gets SIGTERM, then SIGKILL after this long'),
  inheritEnv: z.array(z.string().min(1)).default(DEFAULT_INHERITED_ENV)
    .describe('Names of drbot\'s environment variables passed on to `exec` actions (a trailing * matches a prefix, e.g. `AWS_*`); the action\'s own `env` is added on top'),
}).strict();

export type ActionsConfig = z.infer<typeof actionsConfigSchema>;
export type ActionsOptions = z.input<typeof actionsConfigSchema>;
