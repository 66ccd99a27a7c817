/**
 * DNS failover planning, pure. VoxGuard DR plan shows two shapes of the same failover: weighted records
 * (Lagos=0, Abuja=100) and failover-routing alias records (PRIMARY/SECONDARY). Both are planned
 * here as one change batch; the snapshot (`before`) restores either.
 */
import type { DnsChange, DnsRecordSet } from './dns.ts';
import { DomainError, type DomainErrorCode } from './errors.ts';

export type RoutingPolicy = 'weighted' | 'failover';

/** Move traffic off `from` onto `to` (set identifiers, e.g. `lagos-primary` → `abuja-secondary`). */
export interface FailoverTarget {
  from: string;
  to: string;
}

export interface FailoverPlan {
  policy: RoutingPolicy;
  changes: DnsChange[];
  /** The sets the plan touches, as read: the rollback snapshot. */
  before: DnsRecordSet[];
  /** The same sets once the batch is applied. */
  after: DnsRecordSet[];
}

export type FailoverRefusal = 'NO_RECORDS' | 'UNKNOWN_SET' | 'SAME_SET' | 'UNSUPPORTED_POLICY' | 'MIXED_POLICY' | 'ALREADY_FAILED_OVER';

const REFUSAL_CODE: Record<FailoverRefusal, DomainErrorCode> = {
  NO_RECORDS: 'NOT_FOUND',
  UNKNOWN_SET: 'NOT_FOUND',
  SAME_SET: 'USAGE',
  UNSUPPORTED_POLICY: 'NOT_ALLOWED',
  MIXED_POLICY: 'NOT_ALLOWED',
  ALREADY_FAILED_OVER: 'NO_CHANGE',
};

/** A failover drbot will not plan. A DomainError, so the person who asked sees the message. */
export class FailoverRefused extends DomainError {
  constructor(readonly reason: FailoverRefusal, message: string) {
    super(REFUSAL_CODE[reason], message);
    this.name = 'FailoverRefused';
  }
}

/** `weighted`, `failover`, or what else the set is (drbot plans only the first two). */
export function routingPolicyOf(s: DnsRecordSet): RoutingPolicy | 'simple' | 'other' {
  if (s.failover) return 'failover';
  if (s.weight !== undefined) return 'weighted';
  return s.setIdentifier === undefined ? 'simple' : 'other';
}

/**
 * Plans the failover of one name. Only the record types that carry `from`/`to` are touched
 * (a TXT record beside weighted A records is left alone); A and AAAA move together.
 * Each changed set is a DELETE of the set as read plus a CREATE of the new one, in one batch:
 * Route 53 refuses a DELETE whose values differ from the live set, so a plan made from stale
 * records fails whole instead of overwriting someone else's change.
 */
export function planFailover(sets: DnsRecordSet[], target: FailoverTarget): FailoverPlan {
  const { from, to } = target;
  if (from === to) throw new FailoverRefused('SAME_SET', `From and to are the same record set ("${from}").`);
  if (sets.length === 0) throw new FailoverRefused('NO_RECORDS', 'There are no record sets under that name.');
  const label = trimDot(sets[0].name);
  const known = [...new Set(sets.map((s) => s.setIdentifier).filter((i): i is string => !!i))];
  const types = [...new Set(sets.filter((s) => s.setIdentifier === from || s.setIdentifier === to).map((s) => s.type))];
  if (types.length === 0) {
    throw new FailoverRefused('UNKNOWN_SET', `${label} has no record sets "${from}" or "${to}"${known.length ? ` (it has: ${known.join(', ')})` : ''}.`);
  }
  const group = sets.filter((s) => types.includes(s.type));
  for (const type of types) {
    for (const id of [from, to]) {
      if (!group.some((s) => s.type === type && s.setIdentifier === id)) {
        throw new FailoverRefused('UNKNOWN_SET', `${label} ${type} has no record set "${id}" (it has: ${idsOf(group, type).join(', ') || 'none'}).`);
      }
    }
  }
  const policies = new Set(group.map(routingPolicyOf));
  if (policies.size > 1) throw new FailoverRefused('MIXED_POLICY', `${label} mixes routing policies (${[...policies].join(', ')}); fix the zone before failing over.`);
  const policy = [...policies][0];
  if (policy !== 'weighted' && policy !== 'failover') {
    throw new FailoverRefused('UNSUPPORTED_POLICY', `${label} uses ${policy} routing; drbot fails over only weighted or failover (PRIMARY/SECONDARY) records.`);
  }

  for (const type of policy === 'failover' ? types : []) {
    const roles = [from, to].map((id) => group.find((s) => s.type === type && s.setIdentifier === id)!.failover).join('/');
    if (roles !== 'PRIMARY/SECONDARY' && roles !== 'SECONDARY/PRIMARY') {
      throw new FailoverRefused('UNSUPPORTED_POLICY', `${label} ${type}: "${from}" and "${to}" are not one PRIMARY and one SECONDARY (${roles}).`);
    }
  }
  const after = group.map((s) => (policy === 'weighted' ? shiftWeight(s, target) : swapRole(s, target)));
  const changed = group.map((s, i) => !sameRecordSet(s, after[i]));
  if (!changed.some(Boolean)) {
    throw new FailoverRefused('ALREADY_FAILED_OVER', `${label} already sends traffic to "${to}": ${describeRecords(group).join('; ')}.`);
  }
  const changes: DnsChange[] = [
    ...group.filter((_, i) => changed[i]).map((s) => ({ action: 'DELETE' as const, recordSet: copy(s) })),
    ...after.filter((_, i) => changed[i]).map((s) => ({ action: 'CREATE' as const, recordSet: copy(s) })),
  ];
  return { policy, changes, before: group.map(copy), after };
}

/**
 * The changes that put `snapshot` back, given the sets as they are now (rollback).
 * Sets created since the snapshot are left alone: rollback undoes drbot's change, nothing else.
 */
export function planRestore(snapshot: DnsRecordSet[], current: DnsRecordSet[]): DnsChange[] {
  const deletes: DnsChange[] = [];
  const creates: DnsChange[] = [];
  for (const want of snapshot) {
    const now = current.find((c) => sameKey(c, want));
    if (now && sameRecordSet(now, want)) continue;
    if (now) deletes.push({ action: 'DELETE', recordSet: copy(now) });
    creates.push({ action: 'CREATE', recordSet: copy(want) });
  }
  return [...deletes, ...creates];
}

/**
 * One short line per name and type, for the approval message:
 * `api.voxguard.ng A weighted lagos=100 → 0, abuja=0 → 100`. With `after`, shows the change.
 */
export function describeRecords(sets: DnsRecordSet[], after?: DnsRecordSet[]): string[] {
  const groups = new Map<string, DnsRecordSet[]>();
  for (const s of sets) {
    const k = `${trimDot(s.name)} ${s.type}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return [...groups].map(([k, group]) => {
    const policy = routingPolicyOf(group[0]);
    const parts = group.map((s) => {
      const next = after?.find((a) => sameKey(a, s));
      if (policy === 'simple') return target(s);
      const value = (x: DnsRecordSet) => String(policy === 'weighted' ? x.weight : policy === 'failover' ? x.failover : target(x));
      const was = value(s);
      const now = next ? value(next) : was;
      return `${s.setIdentifier}=${was}${now !== was ? ` → ${now}` : ''}`;
    });
    return `${k} ${policy} ${parts.join(', ')}`;
  });
}

/** One health signal: a Route 53 health check, an alert… `healthy` undefined: could not be read. */
export interface HealthSignal {
  id: string;
  healthy: boolean | undefined;
  /** Multi-Region DR Plan asks for two distinct signal classes; a signal without one is its own class. */
  signalClass?: string;
}

export interface HealthQuorum {
  failing: string[];
  unknown: string[];
  failingClasses: string[];
  required: number;
  met: boolean;
  summary: string;
}

/**
 * Multi-Region DR Plan: "Require two distinct signal classes before declaring disaster". Counts the
 * distinct classes among failing signals; an unreadable signal never counts as failing.
 */
export function healthQuorum(statuses: HealthSignal[], required: number): HealthQuorum {
  if (!Number.isInteger(required) || required < 1) throw new RangeError(`required must be a whole number ≥ 1 (got ${required})`);
  const failing = statuses.filter((s) => s.healthy === false);
  const unknown = statuses.filter((s) => s.healthy === undefined).map((s) => s.id);
  const failingClasses = [...new Set(failing.map((s) => s.signalClass ?? s.id))];
  const met = failingClasses.length >= required;
  const summary = `${failing.length} of ${statuses.length} signals failing in ${failingClasses.length} distinct class(es), ${required} required: ${met ? 'quorum met' : 'no quorum'}`
    + (failing.length ? ` (failing: ${failing.map((s) => s.id).join(', ')})` : '')
    + (unknown.length ? ` (unknown: ${unknown.join(', ')})` : '');
  return { failing: failing.map((s) => s.id), unknown, failingClasses, required, met, summary };
}

/** Same name, type and set identifier: the key Route 53 identifies a record set by. */
export function sameKey(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return normName(a.name) === normName(b.name) && a.type === b.type && a.setIdentifier === b.setIdentifier;
}

/** Equal in every field drbot knows (record values compared as a set, names case-insensitively). */
export function sameRecordSet(a: DnsRecordSet, b: DnsRecordSet): boolean {
  return canonical(a) === canonical(b);
}

function canonical(s: DnsRecordSet): string {
  const alias = s.aliasTarget && { ...s.aliasTarget, dnsName: normName(s.aliasTarget.dnsName) };
  return JSON.stringify([normName(s.name), s.type, s.setIdentifier, s.weight, s.failover, s.ttl, s.healthCheckId,
    s.records ? [...s.records].sort() : undefined, alias && [alias.hostedZoneId, alias.dnsName, alias.evaluateTargetHealth]]);
}

function shiftWeight(s: DnsRecordSet, t: FailoverTarget): DnsRecordSet {
  if (s.setIdentifier === t.from) return { ...copy(s), weight: 0 };
  if (s.setIdentifier === t.to) return { ...copy(s), weight: 100 };
  return copy(s);
}

function swapRole(s: DnsRecordSet, t: FailoverTarget): DnsRecordSet {
  if (s.setIdentifier === t.from) return { ...copy(s), failover: 'SECONDARY' };
  if (s.setIdentifier === t.to) return { ...copy(s), failover: 'PRIMARY' };
  return copy(s);
}

function copy(s: DnsRecordSet): DnsRecordSet {
  return { ...s, ...(s.records && { records: [...s.records] }), ...(s.aliasTarget && { aliasTarget: { ...s.aliasTarget } }) };
}

function target(s: DnsRecordSet): string {
  return s.aliasTarget ? `alias ${trimDot(s.aliasTarget.dnsName)}` : (s.records ?? []).join(' ');
}

function idsOf(sets: DnsRecordSet[], type: string): string[] {
  return sets.filter((s) => s.type === type && s.setIdentifier).map((s) => s.setIdentifier!);
}

const trimDot = (n: string) => n.replace(/\.$/, '');
const normName = (n: string) => trimDot(n).toLowerCase();
