/** Severities 1 (critical) to 4 (low), as in the VoxGuard plan's severity table. */
export type Severity = 1 | 2 | 3 | 4;
export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4];

/** Accepts `sev1`, `SEV-1`, `sev-1`, `1`. Anything else is undefined. */
export function parseSeverity(text: string): Severity | undefined {
  const m = /^(?:sev-?)?([1-4])$/i.exec(text.trim());
  return m ? (Number(m[1]) as Severity) : undefined;
}

export function looksLikeSeverity(text: string): boolean {
  return /^(?:sev-?)?\d+$/i.test(text.trim());
}

export function severityLabel(s: Severity): string {
  return `SEV-${s}`;
}
