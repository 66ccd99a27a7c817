import { describe, expect, it } from 'vitest';
import { conditionHolds, planDeclare, planSeverityChange, type Chains } from '../../src/core/chain.ts';
import { declare } from '../../src/core/incident.ts';

const t0 = new Date('2026-11-24T09:00:00Z');
const min = 60_000;
const chains: Chains = {
  1: [
    { id: 'page', atMs: 0, kind: 'page', label: 'page', params: { to: 'oncall' } },
    { id: 'slack', atMs: 5 * min, kind: 'slack', label: 'slack', params: {} },
    { id: 'war-room', atMs: 15 * min, kind: 'war_room', label: 'war room', params: {} },
    { id: 'regulator', atMs: 30 * min, kind: 'email', label: 'regulator', when: 'compliance_impact', params: {} },
  ],
  2: [
    { id: 'page', atMs: 0, kind: 'page', label: 'page', params: { to: 'oncall' } },
    { id: 'slack', atMs: 5 * min, kind: 'slack', label: 'slack', params: {} },
    { id: 'eta', atMs: 30 * min, kind: 'slack', label: 'eta', params: {} },
  ],
  3: [{ id: 'alerts', atMs: 0, kind: 'slack', label: 'alerts', params: {} }],
  4: [],
};

describe('chain planning', () => {
  it('plans every step relative to the declaration', () => {
    const plans = planDeclare({ declaredAt: t0, severity: 1 }, chains, t0);
    expect(plans.map((p) => [p.stepId, p.dueAt.getTime() - t0.getTime()])).toEqual([['page', 0], ['slack', 5 * min], ['war-room', 15 * min], ['regulator', 30 * min]]);
    expect(plans[3].params).toMatchObject({ when: 'compliance_impact' });
  });

  it('an upgrade adds the steps that never existed; overdue ones are due now', () => {
    const now = new Date(t0.getTime() + 20 * min);
    const existing = [
      { stepId: 'alerts', status: 'done' as const, source: 'chain' },
    ];
    const { add, cancel } = planSeverityChange({ declaredAt: t0, severity: 3 }, 1, chains, existing, now);
    expect(add.map((p) => [p.stepId, p.dueAt.toISOString()])).toEqual([
      ['page', now.toISOString()],
      ['slack', now.toISOString()],
      ['war-room', now.toISOString()],
      ['regulator', new Date(t0.getTime() + 30 * min).toISOString()],
    ]);
    // An upgrade cancels nothing.
    expect(cancel).toEqual([]);
    expect(planSeverityChange({ declaredAt: t0, severity: 3 }, 1, chains, [{ stepId: 'alerts', status: 'pending', source: 'chain' }], now).cancel).toEqual([]);
  });

  it('a step id that already ran is not run again; a downgrade cancels pending steps the new chain lacks', () => {
    const now = new Date(t0.getTime() + 6 * min);
    const existing = [
      { stepId: 'page', status: 'done' as const, source: 'chain' },
      { stepId: 'slack', status: 'done' as const, source: 'chain' },
      { stepId: 'war-room', status: 'pending' as const, source: 'chain' },
      { stepId: 'regulator', status: 'pending' as const, source: 'chain' },
      { stepId: 'open-channel', status: 'pending' as const, source: 'system' },
    ];
    const { add, cancel } = planSeverityChange({ declaredAt: t0, severity: 1 }, 2, chains, existing, now);
    expect(add.map((p) => p.stepId)).toEqual(['eta']);
    expect(cancel).toEqual(['war-room', 'regulator']);
  });

  it('going back up plans again the steps cancelled on the way down, never one that ran', () => {
    const now = new Date(t0.getTime() + 20 * min);
    // SEV-1 → SEV-2 cancelled war-room and regulator; page and slack ran; eta is pending.
    const existing = [
      { stepId: 'page', status: 'done' as const, source: 'chain' },
      { stepId: 'slack', status: 'skipped' as const, source: 'chain' },
      { stepId: 'war-room', status: 'cancelled' as const, source: 'chain' },
      { stepId: 'regulator', status: 'cancelled' as const, source: 'chain' },
      { stepId: 'eta', status: 'pending' as const, source: 'chain' },
    ];
    const { add, cancel } = planSeverityChange({ declaredAt: t0, severity: 2 }, 1, chains, existing, now);
    expect(add.map((p) => [p.stepId, p.dueAt.toISOString(), p.replan])).toEqual([
      ['war-room', now.toISOString(), true],
      ['regulator', new Date(t0.getTime() + 30 * min).toISOString(), true],
    ]);
    expect(cancel).toEqual([]);
    // A step that failed for good ran too: it is not planned again.
    const failed = existing.map((s) => (s.stepId === 'war-room' ? { ...s, status: 'failed' as const } : s));
    expect(planSeverityChange({ declaredAt: t0, severity: 2 }, 1, chains, failed, now).add.map((p) => p.stepId)).toEqual(['regulator']);
  });

  it('conditions are read from the incident when the step falls due', () => {
    const { incident } = declare({ title: 't', severity: 1, by: 'U', at: t0 });
    const i = { ...incident, id: 1 };
    expect(conditionHolds('compliance_impact', i)).toBe(false);
    expect(conditionHolds('compliance_impact', { ...i, complianceImpact: true })).toBe(true);
    expect(conditionHolds('public', { ...i, private: true })).toBe(false);
    expect(conditionHolds(null, i)).toBe(true);
  });
});
