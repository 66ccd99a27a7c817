import type { z } from 'zod';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_MISSING' | 'CONFIG_UNPARSABLE';

/** A broken config: every problem with its file, field and what was expected. drbot does not start. */
export class ConfigError extends Error {
  constructor(readonly code: ConfigErrorCode, readonly problems: string[]) {
    super(`drbot cannot start: the configuration is broken.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `notifications/sev1.yml: steps[2].at: expected a duration like 30s, 5m, 1h, 2d (got "5 minutes")`. */
export function describeZodIssues(source: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length
      ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')
      : '(top level)';
    return `${source}: ${field}: ${issue.message}`;
  });
}
