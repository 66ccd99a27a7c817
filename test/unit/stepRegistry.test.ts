import { describe, expect, it } from 'vitest';
import { chainStepSchema } from '../../src/config/chainSchema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { planDeclare } from '../../src/core/chain.ts';
import { declare } from '../../src/core/incident.ts';
import { SEVERITIES } from '../../src/core/severity.ts';
import { STEP_KINDS } from '../../src/service/steps/registry.ts';
import { ROOT } from '../helpers/paths.ts';

describe('the step registry', () => {
  it('runs every kind a chain file may name', () => {
    const chainKinds = chainStepSchema.options.map((o) => o.shape.kind.value);
    expect(chainKinds.filter((k) => !STEP_KINDS.has(k))).toEqual([]);
  });

  it('names every kind in one style (snake_case)', () => {
    expect([...STEP_KINDS.keys()].filter((k) => !/^[a-z]+(_[a-z]+)*$/.test(k))).toEqual([]);
  });

  it("accepts the params of every step the shipped chains plan (config and handlers agree)", () => {
    const config = loadConfig(ROOT);
    const at = new Date('2026-11-24T09:00:00Z');
    const problems = SEVERITIES.flatMap((severity) => {
      const { incident } = declare({ title: 'Lagos region unreachable', severity, by: 'U0ONCALL01', at });
      return planDeclare(incident, config.chains, at).flatMap((s) => {
        const parsed = STEP_KINDS.get(s.kind)!.params.safeParse(s.params);
        return parsed.success ? [] : [`sev${severity} ${s.stepId}: ${parsed.error.message}`];
      });
    });
    expect(problems).toEqual([]);
  });
});
