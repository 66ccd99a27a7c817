import { describe, expect, it } from 'vitest';
import { drillReport, quantile, type DrillReportInput, type DrillStepInput } from '../../src/core/drillReport.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/errors.ts';
import { planRun } from '../../src/core/runbook.ts';
import { runVerifies } from '../../src/service/drills/report.ts';
import { testConfigDir } from '../helpers/configDir.ts';

const T0 = new Date('2026-11-24T09:00:00Z').getTime();
const at = (s: number) => new Date(T0 + s * 1000);
const step = (o: Partial<DrillStepInput> & { stepId: string; kind: string }): DrillStepInput => ({
  label: o.stepId, source: 'chain', status: 'done', dueAt: at(0), sentAt: at(0), confirmedAt: null, lastError: null, params: {}, ...o,
});

function input(steps: DrillStepInput[], o: Partial<DrillReportInput> = {}): DrillReportInput {
  return {
    incident: { id: 7, title: 'x', severity: 1, declaredAt: at(0), resolvedAt: at(600) },
    scenario: { name: 'd', description: 'd', kind: 'communication', success: { allNotifiedWithinSla: true, rtoMs: 300_000, rpoMs: 60_000 } },
    responseSlaMs: 60_000, steps, runs: [], measured: {}, actionItems: [], ...o,
  };
}

describe('the drill report (pure)', () => {
  it('measures lateness against the planned time and confirmation against the SLA', () => {
    const r = drillReport(input([
      step({ stepId: 'page', kind: 'page', params: { plannedAt: at(0).toISOString() }, sentAt: at(2), confirmedAt: at(30) }),
      step({ stepId: 'slack', kind: 'slack', params: { plannedAt: at(300).toISOString() }, dueAt: at(300), sentAt: at(400), confirmedAt: at(401) }),
      step({ stepId: 'mail', kind: 'email', params: { plannedAt: at(600).toISOString() }, dueAt: at(600), sentAt: at(610) }),
      step({ stepId: 'sp', kind: 'statuspage', status: 'skipped', sentAt: null, lastError: 'not sent: drill (would have gone to …)' }),
      step({ stepId: 'reg', kind: 'email', status: 'skipped', sentAt: null, lastError: 'condition "compliance_impact" is false' }),
    ]));
    const by = Object.fromEntries(r.steps.map((s) => [s.stepId, s]));
    expect(by.page).toMatchObject({ latenessMs: 2_000, confirmMs: 28_000, verdict: 'on time' });
    expect(by.slack).toMatchObject({ latenessMs: 100_000, verdict: 'late' });
    expect(by.mail).toMatchObject({ latenessMs: 10_000, verdict: 'on time', counted: true });
    expect(by.sp).toMatchObject({ verdict: 'withheld (drill)', counted: false });
    expect(by.reg).toMatchObject({ verdict: 'not applicable', counted: false });
    expect(r.timeToDetectMs).toBe(30_000);
    expect(r.latenessP99Ms).toBe(100_000);
    const crit = Object.fromEntries(r.criteria.map((c) => [c.name, c]));
    expect(crit['All notified within SLA']).toMatchObject({ result: 'fail', measured: '2 of 3 on time (slack: late)' });
    // No run: recovered when the drill ended (600 s), over the 300 s RTO.
    expect(crit['RTO achieved']).toMatchObject({ result: 'fail', measured: '10m (drill ended)' });
    expect(crit['RPO achieved'].result).toBe('not measured');
    expect(r.passed).toBe(false);
    expect(r.actionItems.map((a) => a.source)).toEqual(['report', 'report', 'report']);
  });

  it('recovers at the first successful run, and passes when every criterion holds', () => {
    const r = drillReport(input([step({ stepId: 'page', kind: 'page', confirmedAt: at(10) })], {
      runs: [{ id: 3, runbook: 'dns-failover', status: 'succeeded', finishedAt: at(120), verifies: true, rehearsal: false }],
      measured: { rpoMs: 0 },
      scenario: { name: 'd', description: 'd', kind: 'failover', success: { allNotifiedWithinSla: true, rtoMs: 300_000, rpoMs: 60_000, healthChecksPass: true } },
    }));
    expect(r.timeToRecoverMs).toBe(120_000);
    expect(r.recoveredBy).toBe('run #3 dns-failover succeeded');
    expect(r.criteria.map((c) => c.result)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(r.passed).toBe(true);
  });

  it('quantile is nearest-rank', () => {
    expect(quantile([], 0.99)).toBeUndefined();
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(99);
  });
});

describe('which drill runs count towards "All health checks pass"', () => {
  const { runbooks } = loadConfig(testConfigDir());
  const plan = (name: string) => {
    const rb = runbooks.find((r) => r.name === name)!;
    return planRun(rb, Object.fromEntries(rb.parameters.map((p) => [p.name, p.default ?? ''])));
  };

  it('a run with verification actions, or a Route 53 failover (target health check, records read back); never a rehearsal', () => {
    expect(plan('dns-failover').verify).toEqual([]);
    expect(runVerifies(plan('dns-failover'))).toBe(true);
    expect(plan('service-restart').steps.some((a) => a.kind === 'route53')).toBe(false);
    expect(runVerifies(plan('service-restart'))).toBe(true);
    expect(runVerifies({ ...plan('service-restart'), verify: [] })).toBe(false);
    for (const name of ['dns-failover', 'service-restart']) expect(runVerifies({ ...plan(name), rehearsal: true })).toBe(false);
  });
});

describe('drill scenario files at start-up', () => {
  const problems = (edits: Parameters<typeof testConfigDir>[0]) => {
    try {
      loadConfig(testConfigDir(edits));
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  it('the shipped scenarios load', () => {
    expect(loadConfig(testConfigDir()).drills.map((d) => d.name)).toEqual(['communication-drill', 'dns-failover-drill', 'tabletop-regional-outage']);
  });

  it('refuses a bad file with the file, the field and what was expected', () => {
    const p = problems({
      'drills/broken.yml': () => ({ name: 'broken', description: 'x', kind: 'fire', severity: 'sev9', injects: [{ at: '5 minutes', text: 'x' }] }),
    });
    expect(p).toContain('drills/broken.yml: kind: expected one of "communication", "failover", "tabletop", "restore", "chaos" (got "fire")');
    expect(p.some((x) => x.startsWith('drills/broken.yml: severity:'))).toBe(true);
    expect(p).toContain('drills/broken.yml: injects[0].at: expected a duration like 30s, 5m, 1h or 2d (got "5 minutes")');
  });

  it('refuses a drill target that is a production record, an unknown runbook and an unknown service', () => {
    const p = problems({
      'drills/dns-failover-drill.yml': (d) => {
        d.runbooks[0].params.name = 'app.voxguard.ng';
        d.runbooks.push({ name: 'no-such-runbook' });
        d.services.push('toaster');
      },
    });
    expect(p).toContain('drills/dns-failover-drill.yml: runbooks[0].params: "Swap PRIMARY and SECONDARY for app.voxguard.ng" would change app.voxguard.ng, a production record (expected drill targets: a record whose name starts with drill., e.g. drill.app.voxguard.ng)');
    expect(p.some((x) => x.startsWith('drills/dns-failover-drill.yml: runbooks[1].name: unknown runbook "no-such-runbook"'))).toBe(true);
    expect(p).toContain('drills/dns-failover-drill.yml: services[2]: unknown service "toaster" (expected one listed under recovery_objectives.tiers in drbot.yml)');
  });
});
