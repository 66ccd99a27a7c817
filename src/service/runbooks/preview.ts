/**
 * What a run will change, read before it is requested (DNS: the records now and after), and
 * the health-check quorum of Multi-Region DR Plan. Only reads: nothing here changes anything.
 */
import { describeRecords, healthQuorum, planFailover, planRestore, type HealthQuorum, type HealthSignal } from '../../core/failover.ts';
import { describeAction, RunRefused, type Action, type PreviewItem, type RunPlan, type Runbook } from '../../core/runbook.ts';
import { NotConfigured, TransientError, type DnsPort, type DnsRecordSet } from '../../ports.ts';
import type { Queryable } from '../../store/db.ts';
import { firingAlertsOf } from '../../store/sql/firingAlertsOf.ts';
import { labelled } from '../simulation.ts';

/** A Route 53 read that failed, as a refusal the person who asked can act on. */
export function dnsRefusal(e: unknown): never {
  if (e instanceof NotConfigured) throw new RunRefused('NOT_ALLOWED', `Route 53 is not configured (${e.missing.join(', ')}), so drbot cannot show or make this change.`);
  if (e instanceof TransientError) throw new RunRefused('NOT_ALLOWED', `Route 53 did not answer (${e.message}); nothing was requested. Try again in a moment.`);
  throw e;
}

async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RunRefused) throw e;
    if (e instanceof NotConfigured || e instanceof TransientError) dnsRefusal(e);
    throw new RunRefused('NOT_ALLOWED', `Route 53 refused to read the records: ${(e as Error).message.slice(0, 300)}`);
  }
}

/** The health check that must be healthy before traffic moves onto `to`. */
export function targetHealthCheck(a: Extract<Action, { kind: 'route53' }>, sets: DnsRecordSet[]): string | undefined {
  return a.healthChecks[a.to] ?? sets.find((s) => s.setIdentifier === a.to && s.healthCheckId)?.healthCheckId;
}

async function targetWarning(dns: DnsPort, id: string | undefined, to: string): Promise<string | undefined> {
  if (!id) return `"${to}" has no health check: its health is not checked before the change`;
  try {
    const s = await dns.healthCheckStatus(id);
    if (s.healthy) return undefined;
    const failing = s.observations.filter((o) => !o.status.startsWith('Success')).map((o) => o.region);
    return `the target "${to}" is NOT healthy (health check ${id}${failing.length ? `, failing in ${failing.join(', ')}` : ''}): the change will be refused until it is`;
  } catch (e) {
    return `the target's health check ${id} could not be read (${(e as Error).message.slice(0, 120)})`;
  }
}

/**
 * Previews each action. Route 53 actions are planned against the live records (a refusal, e.g.
 * "already failed over", stops the request) and get `expectBefore` so execution can tell if the
 * records changed since approval.
 */
export async function previewPlan(dns: DnsPort, plan: RunPlan): Promise<{ plan: RunPlan; preview: PreviewItem[] }> {
  const preview: PreviewItem[] = [];
  const steps: Action[] = [];
  for (const a of plan.steps) {
    if (a.kind === 'route53') {
      const sets = await read(() => dns.listRecordSets(a.zone, a.name));
      const p = planFailover(sets, { from: a.from, to: a.to });
      preview.push({
        label: labelled(dns, a.label),
        lines: [...describeRecords(p.before).map((l) => `now:   ${l}`), ...describeRecords(p.after).map((l) => `after: ${l}`)],
        warning: await targetWarning(dns, targetHealthCheck(a, sets), a.to),
      });
      steps.push({ ...a, expectBefore: p.before });
    } else if (a.kind === 'route53_restore') {
      const current = await read(() => dns.listRecordSets(a.zone, a.name));
      const changes = planRestore(a.snapshot, current);
      const touched = current.filter((c) => changes.some((x) => x.action === 'DELETE' && x.recordSet.setIdentifier === c.setIdentifier && x.recordSet.type === c.type));
      preview.push({
        label: labelled(dns, a.label),
        lines: changes.length
          ? [...describeRecords(touched).map((l) => `now:   ${l}`), ...describeRecords(a.snapshot).map((l) => `after: ${l}`)]
          : ['the records are already as they were before: nothing to restore'],
      });
      steps.push(a);
    } else {
      preview.push({ label: a.label, lines: [describeAction(a)] });
      steps.push(a);
    }
  }
  const onDns = (a: Action, text: string) => (a.kind === 'health_check' ? labelled(dns, text) : text);
  for (const a of plan.pre) preview.unshift({ label: onDns(a, `Check first: ${a.label}`), lines: [describeAction(a)] });
  for (const a of plan.verify) preview.push({ label: onDns(a, `Then verify: ${a.label}`), lines: [`${describeAction(a)}${a.attempts > 1 ? ` (up to ${a.attempts} tries)` : ''}`] });
  return { plan: { ...plan, steps }, preview };
}

/**
 * Multi-Region DR Plan: distinct failing signal classes. Route 53 health checks of the runbook, plus the
 * Alertmanager alerts firing for the incident (class `alert`). An unreadable check never counts.
 */
export async function readQuorum(dns: DnsPort, q: Queryable, rb: Runbook, incidentId: number, extraAlerts: string[] = []): Promise<HealthQuorum | undefined> {
  if (!rb.healthQuorum) return undefined;
  const checks: HealthSignal[] = await Promise.all(rb.healthQuorum.checks.map(async (c) => {
    try {
      return { id: c.id, healthy: (await dns.healthCheckStatus(c.id)).healthy, signalClass: c.signalClass };
    } catch (e) {
      if (e instanceof NotConfigured) dnsRefusal(e); // say so, rather than "no quorum"
      return { id: c.id, healthy: undefined, signalClass: c.signalClass };
    }
  }));
  const alerts = [...new Set([...(await firingAlertsOf(q, incidentId)), ...extraAlerts])];
  const signals = [...checks, ...alerts.map((a) => ({ id: `alert ${a}`, healthy: false, signalClass: 'alert' }))];
  const quorum = healthQuorum(signals, rb.healthQuorum.required);
  return checks.length ? { ...quorum, summary: labelled(dns, quorum.summary) } : quorum;
}
