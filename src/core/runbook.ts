/**
 * A recovery command (runbook) as loaded from `commands/<name>.yml`.
 * (Filled in by the recovery-commands work: tiers, parameters, steps, verification, rollback.)
 */
export interface Runbook {
  name: string;
  description: string;
  tier: 'T0' | 'T1' | 'T2';
  /** The rest of the validated file, kind-specific. */
  spec: Record<string, unknown>;
}
