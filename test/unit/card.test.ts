import { describe, expect, it } from 'vitest';
import { incidentCard, stepLine } from '../../src/core/card.ts';
import { declare } from '../../src/core/incident.ts';
import { plainLine } from '../../src/core/message.ts';
import type { Step } from '../../src/core/steps.ts';
import { loadConfig } from '../../src/config/load.ts';
import { testConfigDir } from '../helpers/configDir.ts';

const { settings } = loadConfig(testConfigDir());
const t0 = new Date('2026-11-24T09:00:00Z');
const min = 60_000;
const step = (over: Partial<Step>): Step => ({
  id: 1, incidentId: 1, stepId: 'page-oncall', kind: 'page', source: 'chain', label: 'PagerDuty → on-call', dueAt: t0, status: 'pending',
  attempts: 0, lastError: null, sentAt: null, confirmedAt: null, params: {}, result: null, ...over,
});
const line = (s: Step, now = t0) => plainLine(stepLine(s, now, settings));

describe('the card shows each chain step as a person needs it', () => {
  it('pending, sending, retrying, sent (late, maybe twice), failed, skipped, cancelled', () => {
    expect(line(step({ dueAt: new Date(t0.getTime() + 5 * min) }))).toBe('○ PagerDuty → on-call — due 2026-11-24 10:05 WAT');
    expect(line(step({ attempts: 1 }))).toBe('… PagerDuty → on-call — sending (due 2026-11-24 10:00 WAT)');
    expect(line(step({ attempts: 2, lastError: 'HTTP 503', dueAt: new Date(t0.getTime() + 2 * min) }))).toBe('… PagerDuty → on-call — retrying (HTTP 503), next try 2026-11-24 10:02 WAT');
    expect(line(step({ status: 'done', sentAt: new Date(t0.getTime() + 3 * min), attempts: 2, result: { maybeRepeated: true } }))).toBe('✓ PagerDuty → on-call — sent 2026-11-24 10:03 WAT (late 3m) — may have been sent twice');
    expect(line(step({ status: 'failed', lastError: 'HTTP 500 (after 5 tries)' }))).toBe('✗ PagerDuty → on-call — failed: HTTP 500 (after 5 tries)');
    expect(line(step({ status: 'skipped', lastError: 'not sent (no credentials): PagerDuty needs PAGERDUTY_ROUTING_KEY' }))).toBe('– PagerDuty → on-call — skipped: not sent (no credentials): PagerDuty needs PAGERDUTY_ROUTING_KEY');
    expect(line(step({ status: 'cancelled' }))).toBe('– PagerDuty → on-call — cancelled');
  });

  it('says "update overdue" once the cadence has passed, and offers Reopen when closed', () => {
    const { incident } = declare({ title: 'Lagos down', severity: 1, by: 'U0A', at: t0 });
    const i = { ...incident, id: 3 };
    const fieldText = (m: ReturnType<typeof incidentCard>) => m.blocks.flatMap((b) => (b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${plainLine(f.value)}`) : []));
    expect(fieldText(incidentCard(i, settings, new Date(t0.getTime() + 29 * min)))).toContain('Next update due: 2026-11-24 10:30 WAT');
    expect(fieldText(incidentCard(i, settings, new Date(t0.getTime() + 31 * min)))).toContain('Next update due: 2026-11-24 10:30 WAT — update overdue');
    const closed = incidentCard({ ...i, status: 'resolved', resolvedAt: new Date(t0.getTime() + 50 * min), summary: 'fixed' }, settings, t0);
    expect(closed.blocks.find((b) => b.type === 'actions')).toEqual({ type: 'actions', buttons: [{ action: 'incident.reopen', label: 'Reopen', value: '3' }] });
    expect(fieldText(closed)).toContain('Resolved: 2026-11-24 10:50 WAT (after 50m)');
  });
});
