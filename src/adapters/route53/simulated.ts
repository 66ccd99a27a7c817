/**
 * A built-in stand-in for Route 53, used when drbot has no AWS credentials (DRBOT_SIMULATE=auto):
 * hosted zones and health checks held in memory, or in a JSON file so they survive a restart.
 * It answers like Route 53 where drbot relies on it: a change batch is atomic, a DELETE must
 * name the live set with exactly its values, a CREATE of an existing set is refused, a change
 * is PENDING and then INSYNC a moment later. Nothing leaves the machine.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DnsChange, DnsPort, DnsRecordSet } from '../../ports.ts';
import { sameName } from './map.ts';

export const SIMULATED_ROUTE53 = 'Route 53 (simulated: no AWS credentials)';

export interface SimulatedHealthCheck {
  healthy: boolean;
  /** Why it reports what it reports (shown in the state file, for whoever edits it). */
  note?: string;
}

/** What the simulated account holds at first: record sets per hosted zone id, and health checks. */
export interface SimulatedRoute53Seed {
  zones: Record<string, DnsRecordSet[]>;
  healthChecks: Record<string, SimulatedHealthCheck>;
}

interface State extends SimulatedRoute53Seed {
  changes: Record<string, { submittedAt: number; comment: string }>;
  nextChange: number;
}

export interface SimulatedRoute53Options {
  seed: SimulatedRoute53Seed;
  /** JSON file holding the state (created from the seed); unset: memory only. */
  file?: string;
  /** How long a change stays PENDING (default 1.5 s). */
  insyncAfterMs?: number;
  now?: () => number;
}

export interface SimulatedRoute53 extends DnsPort {
  readonly simulated: string;
  readonly file?: string;
  /** Sets a health check's state (tests; a person edits the file instead). */
  setHealth(id: string, healthy: boolean): void;
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

const copy = (s: DnsRecordSet): DnsRecordSet => structuredClone(s);
const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();
const sameKey = (a: DnsRecordSet, b: DnsRecordSet) => sameName(a.name, b.name) && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');
/** Every value Route 53 compares on a DELETE, in one comparable string. */
const values = (s: DnsRecordSet) => JSON.stringify([
  bare(s.name), s.type, s.setIdentifier ?? null, s.ttl ?? null, s.weight ?? null, s.failover ?? null, s.healthCheckId ?? null,
  [...(s.records ?? [])].sort(), s.aliasTarget ? [s.aliasTarget.hostedZoneId, bare(s.aliasTarget.dnsName), s.aliasTarget.evaluateTargetHealth] : null,
]);
const describe = (s: DnsRecordSet) => `[name='${bare(s.name)}.', type='${s.type}'${s.setIdentifier ? `, set-identifier='${s.setIdentifier}'` : ''}]`;

/** Route 53's own refusal of a whole batch (nothing in it is applied). */
function invalidBatch(problems: string[]): Error {
  return new Error(`Route 53 InvalidChangeBatch: [${problems.join(', ')}]`);
}

export function createSimulatedRoute53(o: SimulatedRoute53Options): SimulatedRoute53 {
  const now = o.now ?? Date.now;
  const insyncAfterMs = o.insyncAfterMs ?? 1_500;
  const state = load(o);

  const save = () => {
    if (!o.file) return;
    mkdirSync(dirname(o.file), { recursive: true });
    // Its own temporary name: two processes saving into one data dir must not rename each other's file.
    const tmp = `${o.file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ about: `${SIMULATED_ROUTE53}: drbot's built-in stand-in. Edit a health check's "healthy" to change what it reports; nothing here reaches AWS.`, ...state }, null, 2)}\n`);
    renameSync(tmp, o.file);
  };
  save();

  const zone = (zoneId: string): DnsRecordSet[] => {
    const z = state.zones[zoneId.replace(/^\/hostedzone\//, '')];
    if (!z) throw new Error(`Route 53 NoSuchHostedZone: No hosted zone found with ID: ${zoneId} (${SIMULATED_ROUTE53}: it holds ${Object.keys(state.zones).join(', ') || 'no zones'})`);
    return z;
  };

  return {
    simulated: SIMULATED_ROUTE53,
    file: o.file,

    async listRecordSets(zoneId, name, type) {
      return zone(zoneId).filter((s) => sameName(s.name, name) && (!type || s.type === type)).map(copy);
    },

    async changeRecordSets(zoneId, changes: DnsChange[], comment) {
      if (!changes.length) throw new Error('Route 53: an empty change batch (nothing to change)');
      const live = zone(zoneId);
      // A deleted set leaves its place (and key) behind: a set created again under that key takes the place back, so listings keep their order.
      const work: { key: DnsRecordSet; set?: DnsRecordSet }[] = live.map((s) => ({ key: s, set: copy(s) }));
      const problems: string[] = [];
      for (const c of changes) {
        const at = work.findIndex((w) => w.set && sameKey(w.set, c.recordSet));
        const hole = work.findIndex((w) => !w.set && sameKey(w.key, c.recordSet));
        const put = (s: DnsRecordSet) => (hole >= 0 ? (work[hole].set = s) : work.push({ key: s, set: s }));
        if (c.action === 'DELETE') {
          if (at < 0) problems.push(`Tried to delete resource record set ${describe(c.recordSet)} but it was not found`);
          else if (values(work[at].set!) !== values(c.recordSet)) problems.push(`Tried to delete resource record set ${describe(c.recordSet)} but the values provided do not match the current values`);
          else work[at].set = undefined;
        } else if (c.action === 'CREATE') {
          if (at >= 0) problems.push(`Tried to create resource record set ${describe(c.recordSet)} but it already exists`);
          else put(copy(c.recordSet));
        } else if (at >= 0) work[at].set = copy(c.recordSet);
        else put(copy(c.recordSet));
      }
      const after = work.flatMap((w) => (w.set ? [w.set] : []));
      for (const s of after) {
        const peers = after.filter((p) => sameName(p.name, s.name) && p.type === s.type && p !== s && p.failover && p.failover === s.failover);
        if (s.failover && peers.length) problems.push(`RRSet ${describe(s)} has a duplicate ${s.failover} failover record`);
      }
      if (problems.length) throw invalidBatch([...new Set(problems)]);
      live.splice(0, live.length, ...after);
      const changeId = `CSIM${String(state.nextChange++).padStart(6, '0')}`;
      state.changes[changeId] = { submittedAt: now(), comment };
      save();
      return { changeId, status: 'PENDING' as const };
    },

    async getChange(changeId) {
      const c = state.changes[changeId.replace(/^\/change\//, '')];
      if (!c) throw new Error(`Route 53 NoSuchChange: A change with the specified change ID does not exist: ${changeId}`);
      return now() - c.submittedAt >= insyncAfterMs ? 'INSYNC' : 'PENDING';
    },

    async healthCheckStatus(id) {
      const h = state.healthChecks[id];
      if (!h) throw new Error(`Route 53 NoSuchHealthCheck: A health check with id ${id} does not exist (${SIMULATED_ROUTE53})`);
      const status = h.healthy ? 'Success: HTTP Status Code 200, OK (simulated)' : 'Failure: Connection timed out (simulated)';
      return { healthy: h.healthy, observations: REGIONS.map((region) => ({ region, status })) };
    },

    setHealth(id, healthy) {
      state.healthChecks[id] = { ...state.healthChecks[id], healthy };
      save();
    },
  };
}

/**
 * The state file when there is one, else the seed. Record sets and health checks that the seed
 * names and the file lacks (a runbook added since) are added; what the file says wins.
 */
function load(o: SimulatedRoute53Options): State {
  const fresh: State = { ...structuredClone(o.seed), changes: {}, nextChange: 1 };
  if (!o.file || !existsSync(o.file)) return fresh;
  let saved: Partial<State>;
  try {
    saved = JSON.parse(readFileSync(o.file, 'utf8')) as Partial<State>;
  } catch (e) {
    throw new Error(`${o.file}: not valid JSON (${(e as Error).message}); fix it or delete it to start the ${SIMULATED_ROUTE53} afresh`);
  }
  const state: State = {
    zones: saved.zones ?? {}, healthChecks: saved.healthChecks ?? {}, changes: saved.changes ?? {}, nextChange: saved.nextChange ?? 1,
  };
  for (const [id, sets] of Object.entries(fresh.zones)) {
    const z = (state.zones[id] ??= []);
    for (const s of sets) if (!z.some((x) => sameKey(x, s))) z.push(s);
  }
  for (const [id, h] of Object.entries(fresh.healthChecks)) state.healthChecks[id] ??= h;
  return state;
}
