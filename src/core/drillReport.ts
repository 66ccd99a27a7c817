/**
 * The drill report (VoxGuard plan, "Testing Schedule": "Each recovery step timed individually",
 * "Drill report drafted within 48 hours", "Drill Success Criteria"): every step with its due,
 * sent and confirmed times and its lateness against the severity's response SLA, time to detect,
 * time to recover, each success criterion pass/fail with the measured value, and action items.
 * Pure: the service layer reads the store, renders templates/drill-report.md.hbs with
 * `drillReportDoc(...)` and sends it to GitHub.
 */
import type { DrillScenario, SuccessCriteria } from './drill.ts';
import { formatDuration } from './duration.ts';
import { incidentRef, type Incident } from './incident.ts';
import type { Step } from './steps.ts';

export type DrillStepInput = Pick<Step, 'stepId' | 'kind' | 'label' | 'source' | 'status' | 'dueAt' | 'sentAt' | 'confirmedAt' | 'lastError' | 'params'>;

export interface DrillRunInput {
  id: number;
  runbook: string;
  status: string;
  finishedAt: Date | null;
  /** The run checks health when it succeeds (verification actions, or a Route 53 failover's target health check and read-back); never a rehearsal. */
  verifies: boolean;
  /** Rehearsed (no drill target): approvals ran, nothing was changed. */
  rehearsal: boolean;
}

export interface DrillReportInput {
  incident: Pick<Incident, 'id' | 'title' | 'severity' | 'declaredAt' | 'resolvedAt'>;
  scenario: Pick<DrillScenario, 'name' | 'description' | 'kind' | 'success'>;
  /** The severity's response SLA: a step sent or confirmed later than this after it was due is late. */
  responseSlaMs: number;
  steps: DrillStepInput[];
  runs: DrillRunInput[];
  /** Measured at the end (`/dr drill end rpo=… health=…`). */
  measured: { rpoMs?: number; healthChecks?: 'pass' | 'fail' };
  actionItems: { n: number; text: string; owner: string | null; due: string | null }[];
}

/** Sources of the steps a drill exercises: the chain, its escalations and the drill's own injects. */
export const REPORTED_SOURCES = ['chain', 'escalation', 'drill', 'rto'];
/** Kinds a person or provider confirms: PagerDuty acknowledges a page; Slack posts carry a Received button. */
export const CONFIRMABLE_KINDS = ['page', 'slack', 'reminder', 'war_room', 'check_assigned'];
/** The prefix of a step a drill withheld on purpose (status page, regulator). */
export const WITHHELD = 'not sent: drill';

export type StepVerdict = 'on time' | 'late' | 'not confirmed' | 'not sent' | 'withheld (drill)' | 'not applicable' | 'pending';

export interface ReportedStep {
  stepId: string;
  label: string;
  kind: string;
  plannedAt: Date;
  dueAt: Date;
  sentAt: Date | null;
  confirmedAt: Date | null;
  /** Sent − planned. */
  latenessMs: number | null;
  /** Confirmed − sent. */
  confirmMs: number | null;
  verdict: StepVerdict;
  /** Counts towards "all notified within SLA". */
  counted: boolean;
  note: string;
}

export type CriterionResult = 'pass' | 'fail' | 'not measured';

export interface Criterion {
  name: string;
  target: string;
  measured: string;
  result: CriterionResult;
}

export interface DrillReport {
  steps: ReportedStep[];
  timeToDetectMs?: number;
  timeToRecoverMs?: number;
  recoveredBy: string;
  criteria: Criterion[];
  passed: boolean;
  /** p99 of the sent steps' lateness (ms). */
  latenessP99Ms?: number;
  actionItems: { id: string; text: string; owner: string; due: string; source: 'drill' | 'report' }[];
}

/** The q-quantile (nearest rank) of the values; undefined when there are none. */
export function quantile(values: number[], q: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function plannedOf(s: DrillStepInput): Date {
  const p = s.params.plannedAt;
  return typeof p === 'string' && !Number.isNaN(Date.parse(p)) ? new Date(p) : s.dueAt;
}

export function reportStep(s: DrillStepInput, slaMs: number): ReportedStep {
  const plannedAt = plannedOf(s);
  const latenessMs = s.sentAt ? Math.max(0, s.sentAt.getTime() - plannedAt.getTime()) : null;
  const confirmMs = s.sentAt && s.confirmedAt ? Math.max(0, s.confirmedAt.getTime() - s.sentAt.getTime()) : null;
  const base = { stepId: s.stepId, label: s.label, kind: s.kind, plannedAt, dueAt: s.dueAt, sentAt: s.sentAt, confirmedAt: s.confirmedAt, latenessMs, confirmMs };
  const why = s.lastError ?? '';
  if (s.status === 'skipped' && why.startsWith(WITHHELD)) return { ...base, verdict: 'withheld (drill)', counted: false, note: why };
  if (s.status === 'skipped' && /^condition /.test(why)) return { ...base, verdict: 'not applicable', counted: false, note: why };
  if (s.status === 'cancelled') return { ...base, verdict: 'not applicable', counted: false, note: 'cancelled' };
  if (s.status === 'pending') return { ...base, verdict: 'pending', counted: s.source === 'chain', note: 'not sent before the drill ended' };
  if (s.status !== 'done' || !s.sentAt) return { ...base, verdict: 'not sent', counted: s.source === 'chain', note: why || s.status };
  const counted = s.source === 'chain';
  if (latenessMs! > slaMs) return { ...base, verdict: 'late', counted, note: `sent ${formatDuration(latenessMs!)} after its planned time (SLA ${formatDuration(slaMs)})` };
  if (CONFIRMABLE_KINDS.includes(s.kind) && s.source === 'chain') {
    if (confirmMs === null) return { ...base, verdict: 'not confirmed', counted, note: s.kind === 'page' ? 'never acknowledged in PagerDuty' : 'Received was never pressed' };
    if (confirmMs > slaMs) return { ...base, verdict: 'late', counted, note: `confirmed ${formatDuration(confirmMs)} after it was sent (SLA ${formatDuration(slaMs)})` };
  }
  return { ...base, verdict: 'on time', counted, note: '' };
}

function criteria(success: SuccessCriteria, r: Omit<DrillReport, 'criteria' | 'passed' | 'actionItems'>, input: DrillReportInput): Criterion[] {
  const out: Criterion[] = [];
  const sla = formatDuration(input.responseSlaMs);
  if (success.allNotifiedWithinSla) {
    const counted = r.steps.filter((s) => s.counted);
    const ok = counted.filter((s) => s.verdict === 'on time');
    const bad = counted.filter((s) => s.verdict !== 'on time').map((s) => `${s.label}: ${s.verdict}`);
    out.push({
      name: 'All notified within SLA', target: `every chain step sent and confirmed within ${sla}`,
      measured: `${ok.length} of ${counted.length} on time${bad.length ? ` (${bad.join('; ')})` : ''}`,
      result: counted.length && ok.length === counted.length ? 'pass' : 'fail',
    });
  }
  if (success.rtoMs !== undefined) {
    const t = r.timeToRecoverMs;
    out.push({ name: 'RTO achieved', target: `< ${formatDuration(success.rtoMs)}`, measured: t === undefined ? 'not recovered' : `${formatDuration(t)} (${r.recoveredBy})`, result: t === undefined ? 'fail' : t < success.rtoMs ? 'pass' : 'fail' });
  }
  if (success.rpoMs !== undefined) {
    const m = input.measured.rpoMs;
    out.push({ name: 'RPO achieved', target: `< ${formatDuration(success.rpoMs)} data loss`, measured: m === undefined ? 'not measured (end with /dr drill end rpo=<duration>)' : `${formatDuration(m)} data loss`, result: m === undefined ? 'not measured' : m < success.rpoMs ? 'pass' : 'fail' });
  }
  if (success.healthChecksPass) {
    const verified = input.runs.filter((x) => x.verifies);
    const stated = input.measured.healthChecks;
    let result: CriterionResult = 'not measured';
    let measured = 'not measured (no recovery run with verification; end with /dr drill end health=pass|fail)';
    if (verified.length) {
      const ok = verified.filter((x) => x.status === 'succeeded');
      result = ok.length === verified.length ? 'pass' : 'fail';
      measured = `${ok.length} of ${verified.length} verified run(s) passed (${verified.map((x) => `#${x.id} ${x.runbook} ${x.status}`).join(', ')})`;
    } else if (stated) {
      result = stated;
      measured = `${stated} (stated at the end of the drill)`;
    }
    out.push({ name: 'All health checks pass', target: '100%', measured, result });
  }
  return out;
}

export function drillReport(input: DrillReportInput): DrillReport {
  const from = input.incident.declaredAt.getTime();
  const steps = input.steps
    .filter((s) => REPORTED_SOURCES.includes(s.source))
    .map((s) => reportStep(s, input.responseSlaMs))
    .sort((a, b) => a.plannedAt.getTime() - b.plannedAt.getTime() || a.stepId.localeCompare(b.stepId));
  const confirmations = input.steps.filter((s) => s.confirmedAt).map((s) => s.confirmedAt!.getTime());
  const timeToDetectMs = confirmations.length ? Math.min(...confirmations) - from : undefined;
  const recovered = input.runs.filter((x) => x.status === 'succeeded' && x.finishedAt).sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime())[0];
  const timeToRecoverMs = recovered ? recovered.finishedAt!.getTime() - from : input.incident.resolvedAt ? input.incident.resolvedAt.getTime() - from : undefined;
  const recoveredBy = recovered ? `run #${recovered.id} ${recovered.runbook}${recovered.rehearsal ? ' (rehearsed)' : ''} succeeded` : input.incident.resolvedAt ? 'drill ended' : 'not ended';
  const sent = steps.filter((s) => s.latenessMs !== null).map((s) => s.latenessMs!);
  const partial = { steps, timeToDetectMs, timeToRecoverMs, recoveredBy, latenessP99Ms: quantile(sent, 0.99) };
  const crit = criteria(input.scenario.success, partial, input);
  const actionItems: DrillReport['actionItems'] = input.actionItems.map((a) => ({ id: String(a.n), text: a.text, owner: a.owner ?? 'unassigned', due: a.due ?? 'not set', source: 'drill' }));
  let n = input.actionItems.length;
  for (const c of crit.filter((x) => x.result !== 'pass')) {
    actionItems.push({ id: String(++n), text: `${c.name} ${c.result === 'fail' ? 'failed' : 'was not measured'} (target ${c.target}; measured ${c.measured}): find out why before the next drill`, owner: 'unassigned', due: 'not set', source: 'report' });
  }
  return { ...partial, criteria: crit, passed: crit.every((c) => c.result === 'pass'), actionItems };
}

/** What templates/drill-report.md.hbs reads (all text, already formatted). */
export interface DrillReportDoc {
  ref: string;
  title: string;
  scenario: string;
  description: string;
  kind: string;
  severity: string;
  organization: string;
  timeZone: string;
  start: string;
  end: string;
  duration: string;
  responseSla: string;
  timeToDetect: string;
  timeToRecover: string;
  latenessP99: string;
  outcome: string;
  steps: { label: string; planned: string; sent: string; confirmed: string; lateness: string; verdict: string; note: string }[];
  criteria: { name: string; target: string; measured: string; result: string }[];
  actionItems: { id: string; text: string; owner: string; due: string; source: string }[];
}

export function drillReportDoc(
  r: DrillReport,
  input: Pick<DrillReportInput, 'incident' | 'scenario' | 'responseSlaMs'>,
  o: { organization: string; timeZone: string; time: (d: Date) => string; name: (id: string) => string },
): DrillReportDoc {
  const i = input.incident;
  const ms = (v: number | undefined, none: string) => (v === undefined ? none : formatDuration(v));
  return {
    ref: incidentRef(i.id), title: i.title, scenario: input.scenario.name, description: input.scenario.description, kind: input.scenario.kind,
    severity: `SEV-${i.severity}`, organization: o.organization, timeZone: o.timeZone,
    start: o.time(i.declaredAt), end: i.resolvedAt ? o.time(i.resolvedAt) : 'not ended',
    duration: i.resolvedAt ? formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime()) : 'not ended',
    responseSla: formatDuration(input.responseSlaMs),
    timeToDetect: ms(r.timeToDetectMs, 'not recorded (nothing was acknowledged or received)'),
    timeToRecover: r.timeToRecoverMs === undefined ? 'not recovered' : `${formatDuration(r.timeToRecoverMs)} (${r.recoveredBy})`,
    latenessP99: ms(r.latenessP99Ms, 'no step was sent'),
    outcome: r.criteria.length ? (r.passed ? 'PASSED: every success criterion was met' : `FAILED: ${r.criteria.filter((c) => c.result !== 'pass').map((c) => c.name).join(', ')}`) : 'no success criteria stated',
    steps: r.steps.map((s) => ({
      label: s.label, planned: o.time(s.plannedAt), sent: s.sentAt ? o.time(s.sentAt) : '—', confirmed: s.confirmedAt ? o.time(s.confirmedAt) : '—',
      lateness: s.latenessMs === null ? '—' : formatDuration(s.latenessMs), verdict: s.verdict, note: s.note,
    })),
    criteria: r.criteria.map((c) => ({ ...c, result: c.result.toUpperCase() })),
    actionItems: r.actionItems.map((a) => ({ ...a, owner: a.owner === 'unassigned' ? a.owner : o.name(a.owner) })),
  };
}

/** A report of a made-up drill: every field present, so the template is checked at start-up. */
export function sampleDrillReportDoc(): DrillReportDoc {
  const at = new Date('2026-01-01T00:00:00Z');
  const step: DrillStepInput = { stepId: 'page', kind: 'page', label: 'Page', source: 'chain', status: 'done', dueAt: at, sentAt: at, confirmedAt: at, lastError: null, params: {} };
  const input: DrillReportInput = {
    incident: { id: 1, title: 'Sample', severity: 1, declaredAt: at, resolvedAt: at },
    scenario: { name: 'sample', description: 'sample', kind: 'communication', success: { allNotifiedWithinSla: true, rtoMs: 1 } },
    responseSlaMs: 1, steps: [step], runs: [], measured: {}, actionItems: [{ n: 1, text: 'sample', owner: null, due: null }],
  };
  return drillReportDoc(drillReport(input), input, { organization: 'Sample', timeZone: 'UTC', time: (d) => d.toISOString(), name: (id) => id });
}
