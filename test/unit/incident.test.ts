import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.ts';
import * as domain from '../../src/core/incident.ts';
import type { Incident } from '../../src/core/incident.ts';

const at = new Date('2026-11-24T09:00:00Z');
const later = new Date('2026-11-24T09:30:00Z');
const perms = { permissions: { resolve: ['commander', 'declarer', 'group:managers'], downgrade: ['commander'] } };
const groups = { managers: ['U0BOSS'] };

function incident(over: Partial<Incident> = {}): Incident {
  const { incident: i } = domain.declare({ title: 'Lagos down', severity: 1, by: 'U0DECL', at });
  return { ...i, id: 7, ...over };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'accepted';
}

describe('incident state machine', () => {
  it('declare makes the declarer commander, status investigating, version 1', () => {
    const { incident: i, event } = domain.declare({ title: 'Lagos down', severity: 1, by: 'U0DECL', at, complianceImpact: true });
    expect(i).toMatchObject({ status: 'investigating', commander: 'U0DECL', declaredBy: 'U0DECL', version: 1, complianceImpact: true, mode: 'real' });
    expect(event).toMatchObject({ type: 'declared', actor: 'U0DECL', text: 'Declared SEV-1: Lagos down' });
  });

  it('update moves the status, the last update time and the version', () => {
    const c = domain.update(incident(), { text: 'LB failing', status: 'identified', by: 'U0X', at: later });
    expect(c.incident).toMatchObject({ status: 'identified', lastUpdateAt: later, version: 2 });
    expect(c.events[0].text).toBe('LB failing (status investigating → identified)');
  });

  it('resolve needs a permitted person and closes the incident', () => {
    expect(code(() => domain.resolve(incident(), { summary: 's', by: 'U0RANDOM', at: later }, perms, groups))).toBe('NOT_ALLOWED');
    const byGroup = domain.resolve(incident(), { summary: 'fixed', by: 'U0BOSS', at: later }, perms, groups);
    expect(byGroup.incident).toMatchObject({ status: 'resolved', resolvedAt: later, summary: 'fixed' });
    expect(code(() => domain.update(byGroup.incident, { text: 'x', by: 'U0DECL', at: later }))).toBe('INCIDENT_CLOSED');
  });

  it('downgrade is guarded, upgrade is not', () => {
    expect(code(() => domain.changeSeverity(incident(), { severity: 3, reason: 'r', by: 'U0RANDOM', at: later }, perms, groups))).toBe('NOT_ALLOWED');
    expect(domain.changeSeverity(incident({ severity: 3 }), { severity: 1, reason: 'worse', by: 'U0RANDOM', at: later }, perms, groups).incident.severity).toBe(1);
    expect(code(() => domain.changeSeverity(incident(), { severity: 1, reason: 'r', by: 'U0DECL', at: later }, perms, groups))).toBe('NO_CHANGE');
  });

  it('assign sets a role once', () => {
    const c = domain.assign(incident(), { user: 'U0NEW', role: 'commander', by: 'U0DECL', at: later });
    expect(c.incident.commander).toBe('U0NEW');
    expect(code(() => domain.assign(c.incident, { user: 'U0NEW', role: 'commander', by: 'U0DECL', at: later }))).toBe('NO_CHANGE');
  });

  it('cancel and reopen', () => {
    const cancelled = domain.cancel(incident(), { reason: 'false alarm', by: 'U0DECL', at: later }, perms, groups).incident;
    expect(cancelled.status).toBe('cancelled');
    expect(code(() => domain.reopen(incident(), { by: 'U0DECL', at: later }))).toBe('INCIDENT_OPEN');
    expect(domain.reopen(cancelled, { by: 'U0DECL', at: later }).incident).toMatchObject({ status: 'investigating', resolvedAt: null });
  });

  it('an empty permission list allows everyone', () => {
    expect(domain.isPermitted([], 'U0ANY', incident(), {})).toBe(true);
  });
});
