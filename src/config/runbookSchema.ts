import { z } from 'zod';
import { DEFAULT_NOTIFY, type Action, type Runbook } from '../core/runbook.ts';
import { duration } from './fields.ts';

/**
 * `commands/<name>.yml`: one recovery command (runbook). VoxGuard DR plan "Runbook Integration" and
 * "AIDD Autonomous Recovery" give the fields: tier, trigger, max attempts, cooldown, approvers,
 * notification channels. Strings in actions may use `{{param}}` (filled with checked values).
 */

// One step runs inside the scheduler's 60 s lease: a longer command would be cut off and retried.
const ACTION_MAX_MS = 45_000;

const route53 = z.object({
  zone: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'expected a Route 53 hosted zone id like Z0123456789ABC').describe('Hosted zone id'),
  name: z.string().min(1).describe('Record name, e.g. app.voxguard.ng (may use {{param}})'),
  from: z.string().min(1).describe('Set identifier traffic moves off (weight → 0, or PRIMARY → SECONDARY)'),
  to: z.string().min(1).describe('Set identifier traffic moves onto (weight → 100, or SECONDARY → PRIMARY)'),
  health_checks: z.record(z.string(), z.string().min(1)).default({})
    .describe('Set identifier → Route 53 health check id; the target\'s must be healthy (default: the record set\'s own HealthCheckId)'),
  poll: duration.default(5_000).describe('Pause between GetChange polls while waiting for INSYNC'),
}).strict();

const http = z.object({
  url: z.string().url().refine((u) => !u.includes('{{'), 'the URL is fixed: parameters go in the body, never in the URL')
    .refine((u) => /^https?:/.test(u), 'expected an http(s) URL').describe('Webhook URL (fixed)'),
  method: z.enum(['POST', 'PUT']).default('POST'),
  body: z.unknown().optional().describe('JSON body; strings may use {{param}}'),
}).strict();

const action = z.object({
  label: z.string().min(1).max(120).describe('What the approval message and the timeline call this action'),
  route53: route53.optional().describe('Route 53 failover: weighted records or PRIMARY/SECONDARY swapped in one change batch'),
  http: http.optional().describe('A webhook call, HMAC-signed (DRBOT_ACTION_HMAC_KEY), with an idempotency key'),
  exec: z.array(z.string().min(1)).min(1).refine((argv) => !argv[0].includes('{{'), 'the program (first element) is fixed; parameters may only be arguments')
    .optional().describe('A program and its arguments, run without a shell'),
  health_check: z.string().min(1).optional().describe('A Route 53 health check id whose state is checked'),
  expect: z.enum(['healthy', 'unhealthy', 'success', 'failure']).optional()
    .describe('health_check: healthy (default) or unhealthy; http/exec: success (default) or failure, e.g. "the Lagos primary must NOT answer"'),
  timeout: duration.optional().describe('route53: how long to wait for INSYNC (default: the runbook timeout); http/exec: at most 45s (default 30s)'),
  attempts: z.number().int().min(1).max(60).default(1).describe('Tries before a check counts as failed (verification polls)'),
  interval: duration.default(10_000).describe('Pause between tries'),
}).strict().superRefine((a, ctx) => {
  const kinds = (['route53', 'http', 'exec', 'health_check'] as const).filter((k) => a[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `expected exactly one of route53, http, exec, health_check (got ${kinds.length ? kinds.join(' and ') : 'none'})` });
  }
  const allowed = a.health_check ? ['healthy', 'unhealthy'] : a.route53 ? [] : ['success', 'failure'];
  if (a.expect && !allowed.includes(a.expect)) {
    ctx.addIssue({ code: 'custom', path: ['expect'], message: allowed.length ? `expected ${allowed.join(' or ')} for this action` : 'a route53 action takes no expect' });
  }
  if ((a.http || a.exec) && a.timeout !== undefined && (a.timeout > ACTION_MAX_MS || a.timeout <= 0)) {
    ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'expected at most 45s: a command runs inside one scheduler lease (60 s); split long work into a start action and a verification that polls' });
  }
});

const parameter = z.object({
  description: z.string().optional(),
  type: z.enum(['string', 'integer']).default('string'),
  allowed: z.array(z.union([z.string(), z.number()]).transform(String)).min(1).optional().describe('The only values accepted'),
  pattern: z.string().optional().describe('A regular expression the whole value must match'),
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  default: z.union([z.string(), z.number()]).transform(String).optional().describe('Used when the parameter is not typed; none: required'),
}).strict().superRefine((p, ctx) => {
  if (p.pattern !== undefined) {
    try {
      new RegExp(p.pattern);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a valid regular expression: ${(e as Error).message}` });
    }
  }
  if (!p.allowed && !p.pattern && p.type === 'string') {
    ctx.addIssue({ code: 'custom', message: 'expected allowed: or pattern: (a string parameter from Slack must be checked against something)' });
  }
});

const signalClass = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'expected a short class name like route53, synthetic, alert');

export const runbookFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case name like dns-failover').describe('Must match the file name'),
  description: z.string().min(1),
  tier: z.enum(['T0', 'T1', 'T2']).describe('T0 runs at once, T1 runs and notifies, T2 waits for approval'),
  trigger: z.union([z.string(), z.array(z.string())]).transform((t) => (Array.isArray(t) ? t : [t])).default([])
    .describe('Alertmanager alert names (labels.alertname) that start this runbook from POST /alerts'),
  approvers: z.array(z.string()).default([]).describe('Contact groups (contacts.yml); every one must approve a T2 run, each by a different person'),
  notify: z.array(z.enum(['slack', 'pagerduty', 'email'])).optional().describe('How approvers hear of a request (default per tier)'),
  parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, 'expected a lower-case name like region'), parameter).default({}),
  health_quorum: z.object({
    required: z.number().int().min(1).describe('Distinct signal classes that must be failing (Multi-Region DR Plan: two)'),
    checks: z.array(z.object({ id: z.string().min(1).describe('Route 53 health check id'), class: signalClass }).strict()).min(1),
  }).strict().optional().describe('Failover only when enough health checks of distinct classes fail (or with --override "<reason>")'),
  preconditions: z.array(action).default([]).describe('Checked before any step; a failure stops the run with nothing changed'),
  steps: z.array(action).min(1),
  verification: z.array(action).default([]),
  rollback: z.array(action).default([]).describe('Undo actions run after the Route 53 snapshots are restored'),
  timeout: duration.default(600_000).describe('Default for route53 INSYNC waits'),
  cooldown: duration.default(0),
  max_attempts: z.number().int().min(1).default(3).describe('Runs of this runbook per incident'),
  expires: duration.default(1_800_000).describe('How long a T2 request waits for its approvals'),
}).strict().superRefine((f, ctx) => {
  if (f.tier === 'T2' && !f.approvers.length) ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'a T2 runbook needs at least one approver group' });
  if (f.health_quorum) {
    const classes = new Set(f.health_quorum.checks.map((c) => c.class));
    // The alert that triggers a run counts as one more class.
    if (f.health_quorum.required > classes.size + 1) {
      ctx.addIssue({ code: 'custom', path: ['health_quorum', 'required'], message: `expected at most ${classes.size + 1} (the distinct check classes, plus alerts)` });
    }
  }
});

export type RunbookFile = z.infer<typeof runbookFileSchema>;
type ActionFile = z.infer<typeof action>;

function toAction(a: ActionFile, runbookTimeoutMs: number): Action {
  const base = { label: a.label, attempts: a.attempts, intervalMs: a.interval };
  if (a.route53) {
    const r = a.route53;
    return { ...base, kind: 'route53', zone: r.zone, name: r.name, from: r.from, to: r.to, healthChecks: r.health_checks, timeoutMs: a.timeout ?? runbookTimeoutMs, pollMs: r.poll };
  }
  const outcome = a.expect === 'failure' ? 'failure' : 'success';
  if (a.http) return { ...base, kind: 'http', url: a.http.url, method: a.http.method, body: a.http.body ?? null, timeoutMs: a.timeout ?? 30_000, expect: outcome };
  if (a.exec) return { ...base, kind: 'exec', argv: a.exec, timeoutMs: a.timeout ?? 30_000, expect: outcome };
  return { ...base, kind: 'health_check', id: a.health_check!, expect: a.expect === 'unhealthy' ? 'unhealthy' : 'healthy' };
}

export function toRunbook(f: RunbookFile, file: string): Runbook {
  const actions = (list: ActionFile[]) => list.map((a) => toAction(a, f.timeout));
  return {
    name: f.name, description: f.description, tier: f.tier, trigger: f.trigger, approvers: f.approvers,
    notify: f.notify ?? DEFAULT_NOTIFY[f.tier], file,
    parameters: Object.entries(f.parameters).map(([name, p]) => ({ name, ...p })),
    preconditions: actions(f.preconditions), steps: actions(f.steps), verification: actions(f.verification), rollback: actions(f.rollback),
    timeoutMs: f.timeout, cooldownMs: f.cooldown, maxAttempts: f.max_attempts, expiresMs: f.expires,
    healthQuorum: f.health_quorum && { required: f.health_quorum.required, checks: f.health_quorum.checks.map((c) => ({ id: c.id, signalClass: c.class })) },
  };
}
