import { describe, expect, it } from 'vitest';
import { declare, type Incident } from '../../src/core/incident.ts';
import { escapeMarkdown, pirContent, pirDurations, pirPath, pirTimeline, type StepInput, type TimelineInput } from '../../src/core/pir.ts';

const T0 = new Date('2026-11-24T09:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const names: Record<string, string> = { U1: 'Ada Okafor', U2: 'Tunde Bello' };
const name = (id: string) => names[id] ?? id;

function incident(resolvedMin: number | null): Incident {
  const { incident: i } = declare({ title: 'Lagos région | unreachable!', severity: 1, by: 'U1', at: T0 });
  return { ...i, id: 12, status: resolvedMin === null ? 'investigating' : 'resolved', resolvedAt: resolvedMin === null ? null : at(resolvedMin) };
}

const page: StepInput = { stepId: 'page-oncall', kind: 'page', label: 'PagerDuty → on-call', status: 'done', confirmedAt: at(4), result: {}, params: {} };
const check: StepInput = { stepId: 'ack-check-x', kind: 'ack_check', label: 'Ack?', status: 'done', confirmedAt: null, result: { acknowledged: true, by: 'Ada Okafor' }, params: { pageStep: 'page-oncall' } };

describe('PIR content (pure)', () => {
  it('durations: acknowledge from the page confirmation, mitigate from monitoring or a mitigation event, resolve', () => {
    const updated: TimelineInput = { type: 'updated', at: at(40), actor: 'U1', text: 'fix out', data: { status: 'monitoring' } };
    expect(pirDurations(incident(60), [updated], [page, check])).toEqual({ acknowledgeMs: 4 * 60_000, mitigateMs: 40 * 60_000, resolveMs: 60 * 60_000 });
    const failover: TimelineInput = { type: 'runbook_completed', at: at(25), actor: 'drbot', text: 'failover done', data: { mitigation: true } };
    expect(pirDurations(incident(60), [updated, failover], [])).toEqual({ acknowledgeMs: undefined, mitigateMs: 25 * 60_000, resolveMs: 60 * 60_000 });
    const doc = pirContent({ incident: incident(60), timeline: [], steps: [], actionItems: [], timeZone: 'Africa/Lagos', timeZoneLabel: 'WAT', name });
    expect([doc.timeToAcknowledge, doc.timeToMitigate, doc.timeToResolve]).toEqual(['not recorded (no page was acknowledged)', '1h (no earlier mitigation recorded)', '1h']);
    expect(pirContent({ incident: incident(null), timeline: [], steps: [], actionItems: [], timeZone: 'UTC', name }).end).toBe('not resolved');
  });

  it('the timeline is ordered by time, keeps the store order on ties, adds acknowledgements and leaves out echo posts', () => {
    const rows = pirTimeline([
      { type: 'declared', at: at(0), actor: 'U1', text: 'Declared SEV-1: x' },
      { type: 'step', at: at(0), actor: 'drbot', text: 'Post the update: sent', data: { kind: 'post' } },
      { type: 'note', at: at(2), actor: 'U2', text: 'Pinned message: "late pin"' },
      { type: 'assigned', at: at(1), actor: 'U1', text: 'commander assigned', data: { role: 'commander', user: 'U2' } },
      { type: 'approval', at: at(6), actor: 'U2', text: 'Approved dns-failover' },
    ], [page, check], name);
    expect(rows.map((r) => [r.at.getTime() - T0.getTime(), r.event])).toEqual([
      [0, 'Declared SEV-1: x (Ada Okafor)'],
      [60_000, 'Tunde Bello is commander (assigned by Ada Okafor)'],
      [120_000, 'Pinned message: "late pin" (Tunde Bello)'],
      [240_000, 'PagerDuty → on-call: acknowledged by Ada Okafor'],
      [360_000, 'Approved dns-failover (Tunde Bello)'],
    ]);
  });

  it('the file path and Markdown escaping', () => {
    expect(pirPath('docs/pir/', incident(60), 'Africa/Lagos')).toBe('docs/pir/2026-11-24-inc-12-lagos-region-unreachable.md');
    expect(escapeMarkdown('a | b <!channel> `x` [l](u) @ada\nnext')).toBe('a \\| b \\<!channel\\> \\`x\\` \\[l\\](u) @&#8203;ada next');
  });
});
