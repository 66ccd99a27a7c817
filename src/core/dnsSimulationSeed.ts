/**
 * What the built-in Route 53 simulation holds at first, read from the runbooks themselves: every
 * hosted zone, record name and set identifier their `route53` actions name (with each allowed
 * parameter value), and every health check they name. Pure: app wiring hands the result to the
 * simulated adapter.
 *
 * - A name with two set identifiers is failover routing: the runbook's default `from` is
 *   PRIMARY, the other SECONDARY (the VoxGuard plan's lagos-primary / abuja-secondary).
 * - A name with more is weighted routing: the default `from` weighs 100, the others 0 (the
 *   plan's Lagos=100 before, Abuja=0).
 * - The scenario is the one the runbooks are written for, the primary region down: health
 *   checks a `health_quorum` counts, and preconditions that expect `unhealthy`, report
 *   unhealthy; every other health check reports healthy.
 */
import type { DnsRecordSet } from './dns.ts';
import { fill, placeholders, type Action, type Runbook } from './runbook.ts';

export interface DnsSimulationSeed {
  zones: Record<string, DnsRecordSet[]>;
  healthChecks: Record<string, { healthy: boolean; note: string }>;
}

/** At most this many parameter combinations per action: enough for any allowed list drbot ships. */
const MAX_COMBINATIONS = 64;

/** Each combination of the values the parameters used by `value` may take (allowed values, else the default). */
function combinations(rb: Runbook, value: unknown): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const name of placeholders(value)) {
    const p = rb.parameters.find((x) => x.name === name);
    const values = p?.allowed ?? (p?.default !== undefined ? [p.default] : []);
    out = out.flatMap((c) => values.map((v) => ({ ...c, [name]: v }))).slice(0, MAX_COMBINATIONS);
  }
  return out;
}

const defaults = (rb: Runbook) => Object.fromEntries(rb.parameters.filter((p) => p.default !== undefined).map((p) => [p.name, p.default!]));

interface NameSeen { zone: string; name: string; ids: string[]; primary?: string; healthChecks: Record<string, string> }

export function dnsSimulationSeed(runbooks: Runbook[]): DnsSimulationSeed {
  const names = new Map<string, NameSeen>();
  const checks: DnsSimulationSeed['healthChecks'] = {};
  const check = (id: string, healthy: boolean, note: string) => {
    // "Unhealthy" wins: a check one runbook counts as failing is failing for all of them.
    if (!checks[id] || (!healthy && checks[id].healthy)) checks[id] = { healthy, note };
  };

  for (const rb of runbooks) {
    const all: Action[] = [...rb.preconditions, ...rb.steps, ...rb.verification, ...rb.rollback];
    for (const a of all) {
      if (a.kind === 'health_check') {
        for (const c of combinations(rb, a.id)) {
          const id = fill(a.id, c);
          check(id, a.expect !== 'unhealthy', a.expect === 'unhealthy' ? `${rb.name}: "${a.label}" expects it unhealthy (the simulated outage)` : `${rb.name}: "${a.label}"`);
        }
      }
      if (a.kind !== 'route53') continue;
      const own = fill({ zone: a.zone, name: a.name, from: a.from }, defaults(rb));
      for (const c of combinations(rb, a)) {
        const f = fill(a, c);
        const key = `${f.zone} ${f.name.toLowerCase()}`;
        const seen = names.get(key) ?? { zone: f.zone, name: f.name, ids: [], healthChecks: {} };
        names.set(key, seen);
        if (own.zone === f.zone && own.name.toLowerCase() === f.name.toLowerCase() && !placeholders(own.from).length) seen.primary ??= own.from;
        for (const id of [f.from, f.to]) if (id && !seen.ids.includes(id)) seen.ids.push(id);
        for (const [setId, hc] of Object.entries(f.healthChecks)) {
          seen.healthChecks[setId] ??= hc;
          check(hc, true, `${rb.name}: health check of "${setId}"`);
        }
      }
    }
    for (const q of rb.healthQuorum?.checks ?? []) check(q.id, false, `${rb.name}: health_quorum (${q.signalClass}) counts it as failing (the simulated outage)`);
  }

  const zones: DnsSimulationSeed['zones'] = {};
  let host = 10;
  for (const n of names.values()) {
    const primary = n.primary && n.ids.includes(n.primary) ? n.primary : n.ids[0];
    const ids = [primary, ...n.ids.filter((i) => i !== primary)];
    const failover = ids.length === 2;
    (zones[n.zone] ??= []).push(...ids.map((id, i): DnsRecordSet => ({
      name: n.name,
      type: 'A',
      ttl: 60,
      setIdentifier: id,
      ...(failover ? { failover: i === 0 ? 'PRIMARY' as const : 'SECONDARY' as const } : { weight: i === 0 ? 100 : 0 }),
      ...(n.healthChecks[id] ? { healthCheckId: n.healthChecks[id] } : {}),
      // TEST-NET-1 (RFC 5737): addresses that never route anywhere.
      records: [`192.0.2.${host++ % 250}`],
    })));
  }
  return { zones, healthChecks: checks };
}
