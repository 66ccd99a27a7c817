import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';

/**
 * Marks a field whose value must never reach logs or Slack: its description ends in `(secret)`,
 * which the log redaction (`secretEnvNames`) and the generated README reference read.
 */
export const secret = <T extends z.ZodTypeAny>(s: T, description: string) => s.describe(`${description} (secret)`);

/** A duration as written in the data folders (`30s`, `5m`, `1h`, `2d`) → milliseconds. */
export const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(String(v));
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 5m, 1h or 2d (got ${JSON.stringify(v)})` });
      return z.NEVER;
    }
    return ms;
  });

/** `sev1` … `sev4` keys. */
export const severityKey = z.enum(['sev1', 'sev2', 'sev3', 'sev4']);

/** Slack ids: users U…/W…, user groups S…, channels C…/G…. */
export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U012AB3CD');
export const slackGroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack user group id like S012AB3CD');
export const email = z.string().email('expected an email address');
