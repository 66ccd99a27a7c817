import { slugify } from './channelName.ts';
import { formatDuration } from './duration.ts';
import { incidentRef, type Incident } from './incident.ts';
import type { Step } from './steps.ts';
import { rtoAttainment, type RecoveryObjectives } from './objectives.ts';
import { compactDate, formatTime } from './time.ts';

/**
 * The post-incident review's content, from what drbot recorded: the timeline in order, the
 * time to acknowledge / mitigate / resolve, and the action-item table. Pure: the service layer
 * reads the store and renders templates/pir.md.hbs with the result.
 */

/** A follow-up from the review; each becomes a GitHub issue. */
export interface ActionItem {
  /** 1, 2, 3 … within the incident. */
  n: number;
  text: string;
  /** Slack user id. */
  owner: string | null;
  /** YYYY-MM-DD */
  due: string | null;
  createdBy: string;
  createdAt: Date;
  issueNumber: number | null;
  issueUrl: string | null;
  pirLinked: boolean;
}

/** A timeline row as stored; `type` may be one this module does not know (recovery commands …). */
export interface TimelineInput {
  id?: number;
  type: string;
  at: Date;
  actor: string;
  text: string;
  data?: Record<string, unknown>;
}

export type StepInput = Pick<Step, 'stepId' | 'kind' | 'label' | 'status' | 'confirmedAt' | 'result' | 'params'>;

/** What the PIR template reads under `pir.` (all text, already formatted). */
export interface PirDoc {
  date: string;
  start: string;
  end: string;
  /** The label of the times in the timeline, e.g. WAT. */
  timeZone: string;
  detection: string;
  timeToAcknowledge: string;
  timeToMitigate: string;
  timeToResolve: string;
  timeline: { time: string; event: string }[];
  actionItems: { id: string; action: string; owner: string; due: string; priority: string; issue: string }[];
  /** RTO achieved vs target per affected service (drbot.yml recovery_objectives); empty without objectives. */
  rto: { service: string; tier: string; target: string; achieved: string; result: string }[];
}

export interface PirInput {
  incident: Incident;
  timeline: TimelineInput[];
  steps: StepInput[];
  actionItems: ActionItem[];
  timeZone: string;
  timeZoneLabel?: string;
  /** Slack user id → name. */
  name: (id: string) => string;
  objectives?: RecoveryObjectives;
}

/** The VoxGuard plan's PIR timeline after resolution (VoxGuard plan, "Post-Incident Review Process"). */
export const PIR_STAGES = [
  { stage: 'summary', afterMs: 2 * 3_600_000, label: 'PIR T+2h: initial incident summary posted' },
  { stage: 'timeline', afterMs: 24 * 3_600_000, label: 'PIR T+24h: timeline reconstruction begins' },
  { stage: 'draft', afterMs: 48 * 3_600_000, label: 'PIR T+48h: PIR document drafted' },
  { stage: 'schedule', afterMs: 72 * 3_600_000, label: 'PIR T+72h: PIR meeting scheduled' },
  { stage: 'meeting', afterMs: 5 * 86_400_000, label: 'PIR T+5d: PIR meeting conducted' },
  { stage: 'assign', afterMs: 7 * 86_400_000, label: 'PIR T+7d: action items assigned' },
  { stage: 'review', afterMs: 30 * 86_400_000, label: 'PIR T+30d: action items completion review' },
] as const;

export type PirStage = (typeof PIR_STAGES)[number]['stage'];

/** Where the PIR lives in the repository: `<folder>/<date>-inc-<n>-<slug>.md` (the number keeps same-day titles apart). */
export function pirPath(folder: string, i: Pick<Incident, 'id' | 'title' | 'declaredAt'>, timeZone: string): string {
  const d = compactDate(i.declaredAt, timeZone);
  return `${folder.replace(/\/+$/, '')}/${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}-inc-${i.id}-${slugify(i.title)}.md`;
}

export function pirBranch(i: Pick<Incident, 'id'>): string {
  return `pir/inc-${i.id}`;
}

/** The marker that finds an action item's issue again (idempotent create). */
export function actionMarker(incidentId: number, n: number): string {
  return `drbot:${incidentRef(incidentId)}:action:${n}`;
}

/**
 * User text inside the Markdown document: table pipes, HTML, links and code spans are escaped,
 * and `@name` cannot notify anyone on GitHub. (`*` and `_` are left: at worst emphasis, and
 * URLs keep working.)
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\|`<>[\]]/g, '\\$&').replace(/@/g, '@&#8203;').replace(/[\r\n]+/g, ' ');
}

/** When pages were acknowledged: a page step's confirmation, with who from its acknowledgement check. */
function acknowledgements(steps: StepInput[]): { at: Date; text: string }[] {
  return steps
    .filter((s) => s.kind === 'page' && s.confirmedAt)
    .map((s) => {
      const check = steps.find((c) => c.kind === 'ack_check' && c.params.pageStep === s.stepId && c.result?.acknowledged);
      const by = typeof check?.result?.by === 'string' && check.result.by ? ` by ${check.result.by}` : '';
      return { at: s.confirmedAt!, text: `${s.label}: acknowledged${by}` };
    });
}

export interface PirDurations {
  acknowledgeMs?: number;
  /** Undefined when nothing before the resolution counts as mitigation. */
  mitigateMs?: number;
  resolveMs?: number;
}

/** A recovery command that completed (the runbook feature's timeline note), or an event marked as mitigation. */
function isMitigation(e: TimelineInput): boolean {
  if (e.data?.mitigation === true) return true;
  if (e.type === 'updated' && e.data?.status === 'monitoring') return true;
  return e.data?.kind === 'runbook' && e.data.event === 'succeeded' && !e.data.rollbackOf;
}

/**
 * Acknowledge: the first page acknowledged. Mitigate: the first of an update to `monitoring`,
 * a recovery command that succeeded, or an event marked `data.mitigation: true`. Resolve: the
 * resolution. All measured from the declaration.
 */
export function pirDurations(i: Pick<Incident, 'declaredAt' | 'resolvedAt'>, timeline: TimelineInput[], steps: StepInput[]): PirDurations {
  const from = i.declaredAt.getTime();
  const first = (ds: Date[]) => (ds.length ? Math.min(...ds.map((d) => d.getTime())) - from : undefined);
  const mitigated = timeline.filter(isMitigation).map((e) => e.at);
  return {
    acknowledgeMs: first(acknowledgements(steps).map((a) => a.at)),
    mitigateMs: first(mitigated),
    resolveMs: i.resolvedAt ? i.resolvedAt.getTime() - from : undefined,
  };
}

function describe(e: TimelineInput, name: (id: string) => string): string {
  const by = e.actor && e.actor !== 'drbot' ? name(e.actor) : '';
  switch (e.type) {
    case 'updated':
      return `Update${e.data?.public ? ' (public)' : ''} by ${by}: ${e.text}`;
    case 'assigned':
      return `${name(String(e.data?.user ?? ''))} is ${String(e.data?.role ?? 'assigned')} (assigned by ${by})`;
    case 'step':
      return e.text;
    default:
      return by ? `${e.text} (${by})` : e.text;
  }
}

/**
 * Every recorded event in time order (ties keep the store's order), plus each page's
 * acknowledgement at the time it happened. Posts that only echo a command are left out.
 */
export function pirTimeline(timeline: TimelineInput[], steps: StepInput[], name: (id: string) => string): { at: Date; event: string }[] {
  const rows = timeline
    .filter((e) => !(e.type === 'step' && e.data?.kind === 'post'))
    .map((e, order) => ({ at: e.at, order, event: describe(e, name) }));
  const acks = acknowledgements(steps).map((a) => ({ at: a.at, order: rows.length, event: a.text }));
  return [...rows, ...acks]
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order)
    .map(({ at, event }) => ({ at, event }));
}

const minutes = (ms: number | undefined, none: string) => (ms === undefined ? none : formatDuration(ms));

/** The PIR's content as template fields. */
export function pirContent(p: PirInput): PirDoc {
  const i = p.incident;
  // The table's header names the zone, so the rows leave it out.
  const time = (d: Date) => formatTime(d, p.timeZone, '');
  const d = pirDurations(i, p.timeline, p.steps);
  const declared = p.timeline.find((e) => e.type === 'declared');
  const source = typeof declared?.data?.source === 'string' ? declared.data.source : undefined;
  const priority = `P${Math.min(i.severity, 3)}`;
  return {
    date: formatTime(i.declaredAt, p.timeZone, p.timeZoneLabel).slice(0, 10),
    start: formatTime(i.declaredAt, p.timeZone, p.timeZoneLabel),
    end: i.resolvedAt ? formatTime(i.resolvedAt, p.timeZone, p.timeZoneLabel) : 'not resolved',
    timeZone: p.timeZoneLabel ?? p.timeZone,
    detection: source ?? `Declared by ${p.name(i.declaredBy)} with /dr declare`,
    timeToAcknowledge: minutes(d.acknowledgeMs, 'not recorded (no page was acknowledged)'),
    timeToMitigate: d.mitigateMs !== undefined ? formatDuration(d.mitigateMs) : `${minutes(d.resolveMs, 'not resolved')} (no earlier mitigation recorded)`,
    timeToResolve: minutes(d.resolveMs, 'not resolved'),
    rto: rtoRows(p, d),
    timeline: pirTimeline(p.timeline, p.steps, p.name).map((r) => ({ time: time(r.at), event: r.event })),
    actionItems: p.actionItems.map((a) => ({
      id: String(a.n),
      action: a.text,
      owner: a.owner ? p.name(a.owner) : 'unassigned',
      due: a.due ?? 'not set',
      priority,
      issue: a.issueNumber && a.issueUrl ? `#${a.issueNumber} ${a.issueUrl}` : 'not filed yet',
    })),
  };
}

/** RTO achieved (mitigation, else resolution) against each affected service's tier (or the plan's objective). */
function rtoRows(p: PirInput, d: PirDurations): PirDoc['rto'] {
  const recovered = d.mitigateMs ?? d.resolveMs;
  if (!p.objectives || recovered === undefined) return [];
  const o = p.objectives;
  return rtoAttainment(o, p.incident.services, recovered).map((r) => ({
    service: r.service,
    tier: o.tiers.find((t) => t.key === r.tier)?.name ?? 'plan objective',
    target: formatDuration(r.targetMs),
    achieved: formatDuration(r.achievedMs),
    result: r.met ? 'met' : `missed by ${formatDuration(r.achievedMs - r.targetMs)}`,
  }));
}
