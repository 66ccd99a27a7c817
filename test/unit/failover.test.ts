import { describe, expect, it } from 'vitest';
import { describeRecords, FailoverRefused, healthQuorum, planFailover, planRestore, sameRecordSet } from '../../src/core/failover.ts';
import { DomainError } from '../../src/core/errors.ts';
import type { DnsChange, DnsRecordSet } from '../../src/ports.ts';

// the VoxGuard DR plan's sequence diagram: "Update DNS weight: Lagos=0, Abuja=100".
const weighted = (lagos: number, abuja: number): DnsRecordSet[] => [
  { name: 'api.voxguard.ng', type: 'A', ttl: 60, setIdentifier: 'lagos', weight: lagos, healthCheckId: 'hc-lagos', records: ['102.89.1.10', '102.89.1.11'] },
  { name: 'api.voxguard.ng', type: 'A', ttl: 60, setIdentifier: 'abuja', weight: abuja, records: ['105.112.4.20'] },
];

// the VoxGuard DR plan's Terraform: failover-routing alias records.
const failoverAlias = (lagosRole: 'PRIMARY' | 'SECONDARY' = 'PRIMARY'): DnsRecordSet[] => [
  { name: 'app.voxguard.ng', type: 'A', setIdentifier: 'lagos-primary', failover: lagosRole, healthCheckId: 'hc-lagos',
    aliasTarget: { hostedZoneId: 'Z0LAGOSLB', dnsName: 'lagos-lb.voxguard.ng', evaluateTargetHealth: true } },
  { name: 'app.voxguard.ng', type: 'A', setIdentifier: 'abuja-secondary', failover: lagosRole === 'PRIMARY' ? 'SECONDARY' : 'PRIMARY',
    aliasTarget: { hostedZoneId: 'Z0ABUJALB', dnsName: 'abuja-lb.voxguard.ng', evaluateTargetHealth: true } },
];

/** Applies changes the way Route 53 does (DELETE must match exactly, CREATE must be new). */
function apply(sets: DnsRecordSet[], changes: DnsChange[]): DnsRecordSet[] {
  let out = [...sets];
  for (const c of changes) {
    const i = out.findIndex((s) => s.setIdentifier === c.recordSet.setIdentifier && s.type === c.recordSet.type);
    if (c.action === 'DELETE') {
      expect(i, `DELETE ${c.recordSet.setIdentifier} must exist`).toBeGreaterThanOrEqual(0);
      expect(sameRecordSet(out[i], c.recordSet), 'DELETE must match the live set').toBe(true);
      out = out.filter((_, j) => j !== i);
    } else {
      expect(i, `CREATE ${c.recordSet.setIdentifier} must be new`).toBe(-1);
      out.push(c.recordSet);
    }
  }
  return out;
}

function refusal(fn: () => unknown): FailoverRefused {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FailoverRefused);
    expect(e).toBeInstanceOf(DomainError);
    return e as FailoverRefused;
  }
  throw new Error('expected a refusal');
}

describe('planFailover: weighted', () => {
  it('shifts lagos to 0 and abuja to 100, keeping every other field', () => {
    const plan = planFailover(weighted(100, 0), { from: 'lagos', to: 'abuja' });
    expect(plan.policy).toBe('weighted');
    expect(plan.before).toEqual(weighted(100, 0));
    expect(plan.after).toEqual(weighted(0, 100));
    expect(plan.changes.map((c) => `${c.action} ${c.recordSet.setIdentifier}`)).toEqual(['DELETE lagos', 'DELETE abuja', 'CREATE lagos', 'CREATE abuja']);
    expect(apply(weighted(100, 0), plan.changes)).toEqual(expect.arrayContaining(weighted(0, 100)));
  });

  it('leaves a third region and other types alone', () => {
    const sets = [...weighted(100, 0),
      { name: 'api.voxguard.ng', type: 'A', ttl: 60, setIdentifier: 'asaba', weight: 0, records: ['41.58.0.9'] },
      { name: 'api.voxguard.ng', type: 'TXT', ttl: 300, records: ['"v=spf1 -all"'] }];
    const plan = planFailover(sets, { from: 'lagos', to: 'abuja' });
    expect(plan.before.map((s) => s.setIdentifier)).toEqual(['lagos', 'abuja', 'asaba']);
    expect(plan.changes.map((c) => c.recordSet.setIdentifier)).not.toContain('asaba');
  });

  it('moves A and AAAA together', () => {
    const v6 = weighted(100, 0).map((s) => ({ ...s, type: 'AAAA', records: ['2c0f:f5c0::1'] }));
    const plan = planFailover([...weighted(100, 0), ...v6], { from: 'lagos', to: 'abuja' });
    expect(plan.changes).toHaveLength(8);
    expect(plan.after.filter((s) => s.setIdentifier === 'abuja').map((s) => s.weight)).toEqual([100, 100]);
  });

  it('refuses when already failed over', () => {
    const e = refusal(() => planFailover(weighted(0, 100), { from: 'lagos', to: 'abuja' }));
    expect(e.reason).toBe('ALREADY_FAILED_OVER');
    expect(e.code).toBe('NO_CHANGE');
    expect(e.message).toContain('lagos=0, abuja=100');
  });
});

describe('planFailover: failover routing', () => {
  it('swaps PRIMARY and SECONDARY in one batch, alias and health check kept', () => {
    const plan = planFailover(failoverAlias(), { from: 'lagos-primary', to: 'abuja-secondary' });
    expect(plan.policy).toBe('failover');
    expect(plan.after).toEqual(failoverAlias('SECONDARY'));
    expect(plan.changes).toHaveLength(4);
    expect(apply(failoverAlias(), plan.changes)).toEqual(expect.arrayContaining(failoverAlias('SECONDARY')));
  });

  it('works for plain (non-alias) failover records', () => {
    const plain = failoverAlias().map(({ aliasTarget, ...s }) => ({ ...s, ttl: 30, records: [aliasTarget!.dnsName] }));
    const plan = planFailover(plain, { from: 'lagos-primary', to: 'abuja-secondary' });
    expect(plan.after.map((s) => [s.setIdentifier, s.failover, s.ttl, s.records])).toEqual([
      ['lagos-primary', 'SECONDARY', 30, ['lagos-lb.voxguard.ng']],
      ['abuja-secondary', 'PRIMARY', 30, ['abuja-lb.voxguard.ng']],
    ]);
  });

  it('refuses when already failed over', () => {
    const e = refusal(() => planFailover(failoverAlias('SECONDARY'), { from: 'lagos-primary', to: 'abuja-secondary' }));
    expect(e.reason).toBe('ALREADY_FAILED_OVER');
  });
});

describe('planFailover: refusals', () => {
  it('unknown set identifiers, listing the known ones', () => {
    const e = refusal(() => planFailover(weighted(100, 0), { from: 'lagos', to: 'kano' }));
    expect(e.reason).toBe('UNKNOWN_SET');
    expect(e.message).toContain('"kano"');
    expect(e.message).toContain('lagos, abuja');
    expect(refusal(() => planFailover(weighted(100, 0), { from: 'x', to: 'y' })).reason).toBe('UNKNOWN_SET');
  });

  it('no records, same set, simple or latency routing, mixed policies', () => {
    expect(refusal(() => planFailover([], { from: 'a', to: 'b' })).reason).toBe('NO_RECORDS');
    expect(refusal(() => planFailover(weighted(100, 0), { from: 'lagos', to: 'lagos' })).reason).toBe('SAME_SET');
    const latency = weighted(100, 0).map(({ weight, ...s }) => s);
    const e = refusal(() => planFailover(latency, { from: 'lagos', to: 'abuja' }));
    expect(e.reason).toBe('UNSUPPORTED_POLICY');
    expect(e.message).toContain('weighted or failover');
    const mixed = [weighted(100, 0)[0], { ...failoverAlias()[1], name: 'api.voxguard.ng', setIdentifier: 'abuja' }];
    expect(refusal(() => planFailover(mixed, { from: 'lagos', to: 'abuja' })).reason).toBe('MIXED_POLICY');
  });
});

describe('planRestore', () => {
  it('puts the weighted snapshot back after a failover', () => {
    const plan = planFailover(weighted(100, 0), { from: 'lagos', to: 'abuja' });
    const now = apply(weighted(100, 0), plan.changes);
    const back = apply(now, planRestore(plan.before, now));
    expect(back).toEqual(expect.arrayContaining(weighted(100, 0)));
    expect(back).toHaveLength(2);
  });

  it('puts the failover snapshot back, recreates a deleted set, leaves new sets alone', () => {
    const snap = failoverAlias();
    const now = [failoverAlias('SECONDARY')[1], { ...snap[0], setIdentifier: 'asaba', failover: undefined, weight: 1 }];
    const changes = planRestore(snap, now);
    expect(changes.map((c) => `${c.action} ${c.recordSet.setIdentifier}`)).toEqual(['DELETE abuja-secondary', 'CREATE lagos-primary', 'CREATE abuja-secondary']);
  });

  it('is empty when nothing changed (names compared without the trailing dot)', () => {
    const dotted = weighted(100, 0).map((s) => ({ ...s, name: `${s.name}.`, records: [...s.records!].reverse() }));
    expect(planRestore(weighted(100, 0), dotted)).toEqual([]);
  });
});

describe('describeRecords', () => {
  it('shows the weight shift and the role swap', () => {
    const plan = planFailover(weighted(100, 0), { from: 'lagos', to: 'abuja' });
    expect(describeRecords(plan.before, plan.after)).toEqual(['api.voxguard.ng A weighted lagos=100 → 0, abuja=0 → 100']);
    const fo = planFailover(failoverAlias(), { from: 'lagos-primary', to: 'abuja-secondary' });
    expect(describeRecords(fo.before, fo.after)).toEqual(['app.voxguard.ng A failover lagos-primary=PRIMARY → SECONDARY, abuja-secondary=SECONDARY → PRIMARY']);
  });

  it('describes current state, including simple records', () => {
    expect(describeRecords([...weighted(0, 100), { name: 'api.voxguard.ng.', type: 'TXT', records: ['"x"'] }]))
      .toEqual(['api.voxguard.ng A weighted lagos=0, abuja=100', 'api.voxguard.ng TXT simple "x"']);
  });
});

describe('healthQuorum (Multi-Region DR Plan: two distinct signal classes)', () => {
  it('counts distinct failing classes against the requirement', () => {
    const q = healthQuorum([
      { id: 'hc-lagos-https', healthy: false, signalClass: 'route53' },
      { id: 'hc-lagos-tcp', healthy: false, signalClass: 'route53' },
      { id: 'LagosDown', healthy: true, signalClass: 'alertmanager' },
    ], 2);
    expect(q).toMatchObject({ failing: ['hc-lagos-https', 'hc-lagos-tcp'], failingClasses: ['route53'], met: false });
    expect(q.summary).toContain('2 of 3 signals failing in 1 distinct class(es), 2 required: no quorum');
  });

  it('is met with two classes; unreadable signals never count as failing', () => {
    const q = healthQuorum([
      { id: 'hc-lagos', healthy: false, signalClass: 'route53' },
      { id: 'LagosDown', healthy: false, signalClass: 'alertmanager' },
      { id: 'synthetic', healthy: undefined },
    ], 2);
    expect(q.met).toBe(true);
    expect(q.unknown).toEqual(['synthetic']);
    expect(healthQuorum([{ id: 'a', healthy: undefined }, { id: 'b', healthy: false }], 2).met).toBe(false);
    expect(healthQuorum([{ id: 'a', healthy: false }, { id: 'b', healthy: false }], 2).met).toBe(true);
    expect(() => healthQuorum([], 0)).toThrow(RangeError);
  });
});
