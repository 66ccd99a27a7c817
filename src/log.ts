import pino, { type Logger } from 'pino';

const REDACTED = '[REDACTED]';

/** Token shapes that must never be printed, whatever field or message they hide in. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposre]-[A-Za-z0-9-]+/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /gh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<=\b(?:Bearer|OAuth|Token)\s+)[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /(?<=:\/\/[^\s/:@]*:)[^\s/@]+(?=@)/g, // passwords in URLs: scheme://user:PASSWORD@host
];

/** Replaces known secret values and token-shaped text. Exported for tests and for text sent to Slack. */
export function scrubText(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join(REDACTED);
  for (const p of SECRET_PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

function scrubDeep(v: unknown, secrets: string[], depth = 0): unknown {
  if (typeof v === 'string') return scrubText(v, secrets);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (v instanceof Error) return { type: v.name, message: scrubText(v.message, secrets), stack: v.stack && scrubText(v.stack, secrets) };
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, secrets, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubDeep(x, secrets, depth + 1)]));
}

/**
 * pino with redaction: fields named like secrets are censored by path, and every string
 * (messages, error texts, URLs) is scrubbed of the configured secret values and token shapes.
 */
export function createLogger(o: { level: string; secrets: string[]; destination?: pino.DestinationStream }): Logger {
  const secrets = o.secrets.filter((s) => s && s.length >= 6);
  return pino(
    {
      level: o.level,
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization',
          '*.headers.authorization', 'req.headers.authorization', 'headers.cookie', '*.headers.cookie', 'routing_key', '*.routing_key',
          'appToken', 'botToken', 'signingSecret', 'apiKey', '*.apiKey'],
        censor: REDACTED,
      },
      serializers: { err: (e: unknown) => scrubDeep(e, secrets) },
      formatters: { log: (obj) => scrubDeep(obj, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a, secrets) : a)) as Parameters<typeof method>);
        },
      },
    },
    o.destination ?? pino.destination(2),
  );
}
