import { z } from 'zod';
import { secret } from '../../config/fields.ts';

const smtpUrl = z.string().optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || /^smtps?:\/\/[^/?#]+/.test(v), {
    // Never echo the value: it carries the password.
    message: 'expected smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port] (percent-encode special characters in the password)',
  });

export const emailConfigSchema = z.object({
  smtpUrl: secret(smtpUrl, 'SMTP server URL, e.g. smtps://user:pass@smtp.example.com:465; smtp:// upgrades with STARTTLS when offered (SMTP_URL)'),
  from: z.string().min(1).describe('From address of drbot\'s email, e.g. "drbot <drbot@example.com>" (EMAIL_FROM)'),
  connectionTimeoutMs: z.number().int().positive().default(10_000).describe('How long to wait for the TCP connection'),
  greetingTimeoutMs: z.number().int().positive().default(10_000).describe('How long to wait for the server\'s greeting once connected'),
  socketTimeoutMs: z.number().int().positive().default(30_000).describe('How long the connection may stay silent mid-send'),
});

export type EmailOptions = z.input<typeof emailConfigSchema>;
export type EmailConfig = z.output<typeof emailConfigSchema>;

/** Parses the options; the message names the field and what is wrong, never a value. */
export function parseEmailConfig(o: EmailOptions): EmailConfig {
  const r = emailConfigSchema.safeParse(o);
  if (r.success) return r.data;
  throw new Error(`Email settings: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** The adapter's options from drbot's environment variables (see src/config/env.ts). */
export function emailOptionsFromEnv(env: { SMTP_URL?: string; EMAIL_FROM: string }): EmailOptions {
  return { smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM };
}
