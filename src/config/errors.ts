import type { z } from 'zod';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_MISSING' | 'CONFIG_UNPARSABLE' | 'PORT_IN_USE';

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/**
 * A broken config (or a setting the machine refuses, such as a PORT in use): every problem with
 * its variable or file, field and what was expected. drbot does not start (exit 78). One problem
 * is said in one line; a problem may carry an excerpt on the lines after it (a YAML error).
 */
export class ConfigError extends Error {
  constructor(readonly code: ConfigErrorCode, readonly problems: string[]) {
    super(problems.length === 1
      ? `drbot cannot start: ${indent(problems[0], '  ')}`
      : `drbot cannot start: the configuration is broken.\n${problems.map((p) => `  - ${indent(p, '    ')}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A field path as written in the file: `steps[2].at`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') : '(top level)';
}

/** `notifications/sev1.yml: steps[2].at: expected a duration like 30s, 5m, 1h, 2d (got "5 minutes")`. */
export function describeZodIssues(source: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${source}: ${fieldPath(issue.path)}: ${friendly(issue)}`);
}

/** Zod's wording for a missing field ("Invalid input: expected string, received undefined") made plain. */
export function friendly(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const missing = input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (missing) return issue.code === 'invalid_type' ? `missing (expected ${issue.expected === 'string' ? 'text' : issue.expected})` : 'missing';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(input)})`;
  return issue.message;
}
