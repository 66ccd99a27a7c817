/**
 * Recovery commands (runbooks), pure: what a runbook is once loaded from `commands/<name>.yml`,
 * how the parameters a person typed are checked, how a runbook becomes the plan a run executes,
 * and the cooldown / max-attempts rule. No I/O here.
 */
import type { DnsRecordSet } from './dns.ts';
import { DomainError, type DomainErrorCode } from './errors.ts';

/** AIDD tiers (VoxGuard DR plan): T0 runs at once, T1 runs and notifies, T2 waits for approval. */
export type Tier = 'T0' | 'T1' | 'T2';
export type NotifyChannel = 'slack' | 'pagerduty' | 'email';

export interface ParameterSpec {
  name: string;
  description?: string;
  type: 'string' | 'integer';
  /** The only values accepted (checked first). */
  allowed?: string[];
  /** A regular expression the whole value must match. */
  pattern?: string;
  min?: number;
  max?: number;
  /** No default: the parameter is required. */
  default?: string;
}

/** How often a check is tried before it counts as failed (verification polls). */
interface Retry {
  attempts: number;
  intervalMs: number;
}

/**
 * One action, as written (`{{param}}` placeholders still in it) or as planned (filled in).
 * route53_restore exists only in plans: a rollback puts back the snapshot a failover took.
 */
export type Action = Retry & { label: string } & (
  | {
    kind: 'route53'; zone: string; name: string; from: string; to: string; healthChecks: Record<string, string>; timeoutMs: number; pollMs: number;
    /** The record sets as shown when the run was requested: execution refuses if they changed since. */
    expectBefore?: DnsRecordSet[];
  }
  | { kind: 'route53_restore'; zone: string; name: string; snapshot: DnsRecordSet[]; timeoutMs: number; pollMs: number }
  | { kind: 'http'; url: string; method: 'POST' | 'PUT'; body: unknown; timeoutMs: number; expect: 'success' | 'failure' }
  | { kind: 'exec'; argv: string[]; timeoutMs: number; expect: 'success' | 'failure' }
  | { kind: 'health_check'; id: string; expect: 'healthy' | 'unhealthy' }
);

export interface HealthQuorumSpec {
  required: number;
  checks: { id: string; signalClass: string }[];
}

/** A recovery command (runbook) as loaded and validated from `commands/<name>.yml`. */
export interface Runbook {
  name: string;
  description: string;
  tier: Tier;
  /** Alertmanager alert names (labels.alertname) that start this runbook. */
  trigger: string[];
  /** Contact groups; every one of them must approve a T2 run (distinct people). */
  approvers: string[];
  notify: NotifyChannel[];
  parameters: ParameterSpec[];
  preconditions: Action[];
  steps: Action[];
  verification: Action[];
  /** Extra undo actions run after the Route 53 snapshots are restored. */
  rollback: Action[];
  timeoutMs: number;
  cooldownMs: number;
  /** Runs of this runbook per incident. */
  maxAttempts: number;
  /** How long a T2 request waits for its approvals. */
  expiresMs: number;
  healthQuorum?: HealthQuorumSpec;
  /** `commands/<file>.yml`, for messages. */
  file: string;
}

/** Phases of a run, executed in this order. A rollback run has only `steps` (and `verify`). */
export const PHASES = ['pre', 'steps', 'verify'] as const;
export type Phase = (typeof PHASES)[number];

/** What a run executes: the runbook's actions with the parameters filled in, fixed at request time. */
export interface RunPlan {
  pre: Action[];
  steps: Action[];
  verify: Action[];
  /** Undo actions a later rollback runs (after restoring the DNS snapshots). */
  undo: Action[];
  /** A drill's rehearsal: approvals as usual, then each action only says what it would have done. */
  rehearsal?: boolean;
}

/** What one action will do, as the approval message shows it (DNS: the records now and after). */
export interface PreviewItem {
  label: string;
  lines: string[];
  /** Something an approver must know (e.g. the target's health check could not be read). */
  warning?: string;
}

export type RunStatus =
  | 'awaiting_approval'
  | 'approved'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'denied'
  | 'expired'
  | 'dry_run';

/** A run drbot refuses to start; a DomainError, so the person who asked sees the message. */
export class RunRefused extends DomainError {
  constructor(code: DomainErrorCode, message: string, usage?: string) {
    super(code, message, usage);
    this.name = 'RunRefused';
  }
}

/**
 * Every value, whatever the runbook allows, must look like this: it may reach an argv element or
 * a JSON body (never a shell, a URL path or SQL), and it cannot start with `-` (no option injection).
 */
export const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,127}$/;
const show = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/**
 * Checks typed parameters against the runbook before anything else happens: unknown names,
 * missing ones, allowed values, patterns, then the safe-character rule. Returns the full set
 * (defaults filled in).
 */
export function checkParams(rb: Runbook, typed: Record<string, string>, usage?: string): Record<string, string> {
  const known = rb.parameters.map((p) => p.name);
  for (const name of Object.keys(typed)) {
    if (!known.includes(name)) {
      const takes = known.length ? `it takes: ${known.join(', ')}` : 'it takes none';
      throw new RunRefused('USAGE', `${rb.name} has no parameter \`${name.slice(0, 40)}\` (${takes}).`, usage);
    }
  }
  const out: Record<string, string> = {};
  for (const p of rb.parameters) {
    const value = typed[p.name] ?? p.default;
    if (value === undefined) throw new RunRefused('USAGE', `${rb.name} needs \`${p.name}=${hint(p)}\`${p.description ? ` (${p.description})` : ''}.`, usage);
    const problem = valueProblem(p, value);
    if (problem) throw new RunRefused('USAGE', `Refused, nothing was run: ${problem}.`, usage);
    out[p.name] = value;
  }
  return out;
}

function hint(p: ParameterSpec): string {
  if (p.allowed) return p.allowed.join('|');
  return p.type === 'integer' ? 'number' : 'value';
}

/** Why `value` is not acceptable for `p`, or undefined. */
export function valueProblem(p: ParameterSpec, value: string): string | undefined {
  if (p.allowed && !p.allowed.includes(value)) return `\`${p.name}\` must be one of ${p.allowed.join(', ')} (got ${show(value)})`;
  if (p.pattern && !new RegExp(`^(?:${p.pattern})$`).test(value)) return `\`${p.name}\` must match ${p.pattern} (got ${show(value)})`;
  if (p.type === 'integer') {
    if (!/^-?\d{1,9}$/.test(value)) return `\`${p.name}\` must be a whole number (got ${show(value)})`;
    const n = Number(value);
    if (p.min !== undefined && n < p.min) return `\`${p.name}\` must be at least ${p.min} (got ${n})`;
    if (p.max !== undefined && n > p.max) return `\`${p.name}\` must be at most ${p.max} (got ${n})`;
  }
  if (!SAFE_VALUE.test(value)) return `\`${p.name}\` may hold only letters, digits and . _ : @ + / - and must not start with - (got ${show(value)})`;
  return undefined;
}

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** The parameter names a piece of runbook text uses (the loader checks each is declared). */
export function placeholders(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(PLACEHOLDER)) found.add(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found];
}

/** Fills `{{param}}` in every string of `value` with checked parameters. */
export function fill<T>(value: T, params: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, name: string) => params[name] ?? '') as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, params)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, params)])) as T;
  return value;
}

/** The plan a run executes: fixed when it is requested, so what was approved is what runs. */
export function planRun(rb: Runbook, params: Record<string, string>): RunPlan {
  return {
    pre: fill(rb.preconditions, params),
    steps: fill(rb.steps, params),
    verify: fill(rb.verification, params),
    undo: fill(rb.rollback, params),
  };
}

/** One earlier run, as far as the cooldown and max-attempts rule cares. */
export interface PastRun {
  id: number;
  incidentId: number;
  status: RunStatus;
  requestedAt: Date;
  startedAt: Date | null;
  /** Its parameters: the target (deployment=web and deployment=hasura are different targets). */
  params: Record<string, string>;
  /** It got past its preconditions, so it may have changed something. */
  changed: boolean;
}

const NOT_COUNTED: readonly RunStatus[] = ['denied', 'expired', 'dry_run'];
const OPEN: readonly RunStatus[] = ['awaiting_approval', 'approved', 'running'];

/** The target a run acts on: its parameters, in a stable order. */
export function runTarget(params: Record<string, string>): string {
  return Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join(' ');
}

/**
 * VoxGuard DR plan "Automated Runbook Execution": cooldown and max attempts, per runbook and target. One
 * open run per target (wherever it is, the refusal says where); at most `maxAttempts` counted runs
 * per incident and target; none within `cooldown` of the last run of that target that changed
 * something. Denied, expired and dry runs do not count, nor do runs stopped by a precondition.
 */
export function checkRunLimits(rb: Runbook, past: PastRun[], incidentId: number, params: Record<string, string>, now: Date, fmt: (d: Date) => string): void {
  const target = runTarget(params);
  const same = past.filter((r) => runTarget(r.params) === target);
  const what = target ? `${rb.name} ${target}` : rb.name;
  const open = same.find((r) => OPEN.includes(r.status));
  if (open) {
    const where = open.incidentId === incidentId ? 'in this incident' : `in INC-${open.incidentId}`;
    throw new RunRefused('DUPLICATE', `${what} is already requested ${where}: run #${open.id}, ${open.status.replace('_', ' ')} since ${fmt(open.startedAt ?? open.requestedAt)}.`);
  }
  const counted = same.filter((r) => !NOT_COUNTED.includes(r.status));
  const here = counted.filter((r) => r.incidentId === incidentId);
  if (here.length >= rb.maxAttempts) {
    throw new RunRefused('NOT_ALLOWED', `${what} has already run ${here.length} time(s) in this incident (max_attempts ${rb.maxAttempts}); investigate by hand.`);
  }
  const last = counted.filter((r) => r.changed).map((r) => r.startedAt ?? r.requestedAt).sort((a, b) => b.getTime() - a.getTime())[0];
  if (last && now.getTime() - last.getTime() < rb.cooldownMs) {
    throw new RunRefused('NOT_ALLOWED', `${what} is cooling down until ${fmt(new Date(last.getTime() + rb.cooldownMs))} (cooldown after its last run that changed something).`);
  }
}

/** Who is notified of a request by default, per tier (VoxGuard DR plan: T2 pages, Slack and email). */
export const DEFAULT_NOTIFY: Record<Tier, NotifyChannel[]> = { T0: ['slack'], T1: ['slack', 'email'], T2: ['slack', 'pagerduty', 'email'] };

/** One line per action: what it will do, for the approval message. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'route53':
      return `Route 53: move ${a.name} from "${a.from}" to "${a.to}" (zone ${a.zone})`;
    case 'route53_restore':
      return `Route 53: restore ${a.name} as it was before (zone ${a.zone})`;
    case 'http':
      return `${a.method} ${a.url} ${clip(JSON.stringify(a.body ?? null), 200)} (signed)${a.expect === 'failure' ? ', must fail' : ''}`;
    case 'exec':
      return `run ${a.argv.map((x) => (/^[\w.:/@+=-]+$/.test(x) ? x : JSON.stringify(x))).join(' ')}${a.expect === 'failure' ? ' (must fail)' : ''}`;
    case 'health_check':
      return `health check ${a.id} must be ${a.expect}`;
  }
}

// Output of commands is kept in the store and shown in Slack: tokens and passwords are masked first.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '$1[redacted]'],
  [/\b(authorization\s*:\s*(?:bearer|basic|token)\s+)\S+/gi, '$1[redacted]'],
  [/\b((?:password|passwd|pass|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, '$1[redacted]@'],
];

/** Masks what looks like a credential (Slack and AWS keys, bearer tokens, password=…, URL passwords). */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** At most `max` characters, saying how much was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
