/**
 * Recovery objectives (VoxGuard plan, "DR Objectives"): services grouped in tiers, each tier with
 * its RTO and RPO, and the plan's overall objective (RTO 1 h target, 4 h maximum). Pure: which
 * RTO applies to an incident, how much of it is left, and whether it was met.
 */
import { formatDuration } from './duration.ts';

/** What the RTO clock needs of an incident (named here: incident.ts builds on these settings). */
interface IncidentTimes {
  declaredAt: Date;
  services: string[];
}

export interface TierObjective {
  /** e.g. `tier1` */
  key: string;
  name: string;
  rtoMs: number;
  rpoMs: number;
}

export interface RecoveryObjectives {
  tiers: TierObjective[];
  /** Service name (as typed in a declare, lower case) → tier key. */
  services: Record<string, string>;
  plan: { rtoTargetMs: number; rtoMaxMs: number; rpoTargetMs: number; rpoMaxMs: number };
  /** Fractions of the RTO at which the incident channel is warned (0.75 → "75 % of the RTO gone"); 1 is the breach. */
  warnAt: number[];
}

/** One affected service's objective. */
export interface ServiceObjective {
  service: string;
  tier: TierObjective | undefined;
  rtoMs: number;
}

/** The RTO an incident runs against: the tightest tier among its known services, else the plan's target. */
export interface RtoTarget {
  rtoMs: number;
  /** `tier`: from the affected services; `plan`: none known, the plan's overall target. */
  basis: 'tier' | 'plan';
  /** The tier that sets the target (basis `tier`). */
  tier?: TierObjective;
  services: ServiceObjective[];
}

export function tierOf(o: RecoveryObjectives, service: string): TierObjective | undefined {
  const key = o.services[service.trim().toLowerCase()];
  return key ? o.tiers.find((t) => t.key === key) : undefined;
}

export function rtoTarget(o: RecoveryObjectives, services: string[]): RtoTarget {
  const known = services.map((s) => ({ service: s, tier: tierOf(o, s) })).filter((s) => s.tier);
  const list: ServiceObjective[] = services.map((s) => {
    const tier = tierOf(o, s);
    return { service: s, tier, rtoMs: tier?.rtoMs ?? o.plan.rtoTargetMs };
  });
  if (!known.length) return { rtoMs: o.plan.rtoTargetMs, basis: 'plan', services: list };
  const tightest = known.map((k) => k.tier!).sort((a, b) => a.rtoMs - b.rtoMs)[0];
  return { rtoMs: tightest.rtoMs, basis: 'tier', tier: tightest, services: list };
}

/** How the RTO clock stands at `now` for an open incident (or when it was recovered). */
export interface RtoClock {
  target: RtoTarget;
  deadline: Date;
  elapsedMs: number;
  /** Negative once breached. */
  leftMs: number;
  breached: boolean;
}

export function rtoClock(o: RecoveryObjectives, i: IncidentTimes, now: Date): RtoClock {
  const target = rtoTarget(o, i.services);
  const elapsedMs = now.getTime() - i.declaredAt.getTime();
  return { target, deadline: new Date(i.declaredAt.getTime() + target.rtoMs), elapsedMs, leftMs: target.rtoMs - elapsedMs, breached: elapsedMs > target.rtoMs };
}

/** The RTO warnings due for an incident: one per `warnAt` fraction, at declare + fraction × RTO. */
export function rtoWarnings(o: RecoveryObjectives, i: IncidentTimes): { fraction: number; at: Date; rtoMs: number }[] {
  const { rtoMs } = rtoTarget(o, i.services);
  return [...new Set([...o.warnAt, 1])].sort((a, b) => a - b).map((fraction) => ({ fraction, rtoMs, at: new Date(i.declaredAt.getTime() + Math.round(rtoMs * fraction)) }));
}

/** RTO achieved per affected service (or the plan, when none is known), for the PIR and metrics. */
export interface RtoAttainment {
  service: string;
  tier: string;
  targetMs: number;
  achievedMs: number;
  met: boolean;
}

export function rtoAttainment(o: RecoveryObjectives, services: string[], recoveredMs: number): RtoAttainment[] {
  const t = rtoTarget(o, services);
  if (t.basis === 'plan' && !services.length) return [{ service: '(none recorded)', tier: 'plan', targetMs: t.rtoMs, achievedMs: recoveredMs, met: recoveredMs <= t.rtoMs }];
  return t.services.map((s) => ({ service: s.service, tier: s.tier?.key ?? 'plan', targetMs: s.rtoMs, achievedMs: recoveredMs, met: recoveredMs <= s.rtoMs }));
}

function describeTarget(t: RtoTarget): string {
  if (t.basis === 'plan') return 'plan objective';
  const names = t.services.filter((s) => s.tier?.key === t.tier!.key).map((s) => s.service);
  return `${t.tier!.name} tier: ${names.join(', ')}`;
}

/** The card's RTO field: the target and where it comes from, and the time left (or how it ended). */
export function rtoField(o: RecoveryObjectives, i: IncidentTimes & { resolvedAt: Date | null; status: string }, now: Date, time: (d: Date) => string): string {
  const fmt = (ms: number) => formatDuration(ms);
  const open = i.status !== 'resolved' && i.status !== 'cancelled';
  const c = rtoClock(o, i, open ? now : (i.resolvedAt ?? now));
  const head = `${fmt(c.target.rtoMs)} (${describeTarget(c.target)})`;
  if (!open) {
    if (i.status === 'cancelled') return head;
    return `${head} — recovered in ${fmt(c.elapsedMs)}, ${c.breached ? `missed by ${fmt(-c.leftMs)}` : 'met'}`;
  }
  return c.breached ? `${head} — BREACHED ${fmt(-c.leftMs)} ago` : `${head} — ${fmt(c.leftMs)} left (until ${time(c.deadline)})`;
}
