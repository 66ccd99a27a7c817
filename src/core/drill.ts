/**
 * DR drills (VoxGuard plan, "Testing Schedule"): a scenario as loaded from `drills/<name>.yml`,
 * and the rules every drill follows. Pure.
 */
import type { Incident } from './incident.ts';
import type { Severity } from './severity.ts';

export const DRILL_KINDS = ['communication', 'failover', 'tabletop', 'restore', 'chaos'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** The plan's "Drill Success Criteria", as a scenario states them. */
export interface SuccessCriteria {
  /** "Communication chain: all notified within SLA". */
  allNotifiedWithinSla?: boolean;
  /** "RTO achieved < 4 hours": recovered within this after the drill started. */
  rtoMs?: number;
  /** "RPO achieved < 1 hour data loss": the data loss measured at the end (`/dr drill end rpo=…`). */
  rpoMs?: number;
  /** "All health checks pass": every verification of the drill's recovery runs passed. */
  healthChecksPass?: boolean;
}

export interface DrillRunbook {
  name: string;
  /** The drill targets (e.g. `name: drill.app.voxguard.ng`); none: rehearsed as a dry run after the full approval flow. */
  params?: Record<string, string>;
}

export interface DrillScenario {
  name: string;
  description: string;
  kind: DrillKind;
  severity: Severity;
  /** The incident title (default: the description). */
  title: string;
  services: string[];
  runbooks: DrillRunbook[];
  /** Tabletop injects: posted in the drill channel at their time after the start. */
  injects: { atMs: number; text: string }[];
  success: SuccessCriteria;
  /** `drills/<file>.yml`, for messages. */
  file: string;
}

/** A drill channel's name always says drill. */
export function drillChannelName(name: string, max = 80): string {
  if (name.includes('drill')) return name;
  return `drill-${name}`.slice(0, max).replace(/-+$/, '');
}

/** The words every drill message outside its channel starts with. */
export const DRILL_MARK = 'DRILL';

export function isDrill(i: Pick<Incident, 'mode'>): boolean {
  return i.mode === 'drill';
}

/** Record names a drill may change: the first label says drill (`drill.app.voxguard.ng`, `drill-lagos.example.ng`). */
export function isDrillRecord(name: string): boolean {
  return /^drill[.-]/i.test(name.trim());
}
