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
    return `${source}: ${field}: ${friendly(issue)}`;
  });
}

/** Zod's wording for a missing field ("Invalid input: expected string, received undefined") made plain. */
function friendly(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const missing = input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (missing) return issue.code === 'invalid_type' ? `missing (expected ${issue.expected === 'string' ? 'text' : issue.expected})` : 'missing';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(input)})`;
  return issue.message;
}
