/**
 * The capabilities the application needs, one interface per integration. Adapters implement
 * them; only `app.ts` knows which adapter stands behind which port.
 */
import type { DnsChange, DnsRecordSet } from './core/dns.ts';
import type { Message } from './core/message.ts';

export interface Clock {
  now(): Date;
}

export type ChatErrorCode = 'name_taken' | 'not_in_channel' | 'channel_not_found' | 'rate_limited' | 'other';

/** A chat call the provider refused; `retryAfterMs` when it said when to come back. */
export class ChatError extends Error {
  constructor(readonly code: ChatErrorCode, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'ChatError';
  }
}

export interface ChatPort {
  /** `slack` or `console`: shown in logs, never branched on by the application. */
  readonly transport: string;
  createChannel(name: string, opts: { private: boolean }): Promise<{ id: string; name: string }>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  setTopic(channelId: string, topic: string): Promise<void>;
  post(channel: string, message: Message): Promise<{ channel: string; ts: string }>;
  /**
   * A post made ready now (converted and encoded) and sent when the function returned is called:
   * a step claimed ahead of its due time leaves only the send for then. Optional: `readyPost`
   * falls back to `post`.
   */
  preparePost?(channel: string, message: Message): () => Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  /** Escapes user text for the transport's markup (templates call it on every value). */
  escape(text: string): string;
}

/** What an outbound integration without credentials says instead of sending. */
export class NotConfigured extends Error {
  constructor(readonly integration: string, readonly missing: string[]) {
    super(`not sent (no credentials): ${integration} needs ${missing.join(', ')}`);
    this.name = 'NotConfigured';
  }
}

/** A provider error worth trying again (5xx, 429, network); `retryAfterMs` from Retry-After. */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'TransientError';
  }
}

/** Cross-replica wake-ups (Redis pub/sub, or in-process). Never the source of truth. */
export interface WakeBus {
  publish(topic: string): Promise<void>;
  subscribe(topic: string, fn: () => void): Promise<void>;
  close(): Promise<void>;
}

/** A shared "at most N per interval" gate (Statuspage is about 1 request/s). */
export interface RateLimiter {
  /** Resolves when the caller may go ahead. */
  take(key: string, perSecond: number): Promise<void>;
}

export interface Health {
  /** Throws when the dependency cannot be reached. */
  ping(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Metrics: what the application counts and times. The Prometheus adapter implements them and
// serves the text at GET /metrics; nothing else knows the metrics library.

export interface LabelledCounter<L extends string> {
  inc(labels: Record<L, string>, by?: number): void;
}

export interface LabelledGauge<L extends string> {
  set(labels: Record<L, string>, value: number): void;
  /** Forgets every label set (a gauge refilled from the store on each scrape). */
  reset(): void;
}

export interface LabelledHistogram<L extends string> {
  observe(labels: Record<L, string>, value: number): void;
}

export interface Histogram {
  observe(value: number): void;
}

export interface Metrics {
  incidentsDeclared: LabelledCounter<'severity'>;
  /** Refilled from the store when the metrics are read. */
  openIncidents: LabelledGauge<'severity'>;
  /** Seconds from a Slack request arriving to its ack, by kind (command, action, form, event). */
  slackRequestSeconds: LabelledHistogram<'kind'>;
  errors: LabelledCounter<'where'>;
  /** `/dr status` reads, by where they were answered from (`memory` | `store`). */
  statusReads: LabelledCounter<'from'>;
  /** Scheduled steps finished, by kind and outcome. */
  steps: LabelledCounter<'kind' | 'outcome'>;
  /** Seconds a step started after it fell due. */
  stepLatenessSeconds: Histogram;
  /** Seconds from declaration to the first acknowledged page, per resolved incident; drills apart (`mode`). */
  timeToAcknowledgeSeconds: LabelledHistogram<'mode' | 'severity'>;
  /** Seconds from declaration to recovery (mitigation, else resolution), by tier of the affected services. */
  timeToRecoverSeconds: LabelledHistogram<'mode' | 'tier'>;
  /** Resolved incidents that met or missed their tier's RTO (`outcome` met | missed). */
  rtoAttainment: LabelledCounter<'mode' | 'tier' | 'outcome'>;
}

// ---------------------------------------------------------------------------------------
// Outbound integrations. Each adapter throws NotConfigured when its credentials are missing,
// TransientError for what is worth retrying (429 with Retry-After, 5xx, network), and a plain
// Error for a refusal that retrying will not fix (4xx).

/**
 * Set on an adapter that stands in for a provider drbot has no credentials for (the built-in
 * simulation, DRBOT_SIMULATE): how every message that touches it names it, e.g.
 * "Route 53 (simulated: no AWS credentials)". Unset on a real adapter.
 */
export interface MaybeSimulated {
  readonly simulated?: string;
}

/** PagerDuty: Events API v2 for pages, REST API to read acknowledgements back. */
export interface PageRequest {
  /** Ties repeats together: the same key never opens a second PagerDuty incident. */
  dedupKey: string;
  summary: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  source: string;
  /** Events API v2 routing key; the adapter falls back to PAGERDUTY_ROUTING_KEY. */
  routingKey?: string;
  links?: { href: string; text: string }[];
  customDetails?: Record<string, unknown>;
}

export interface PagerPort extends MaybeSimulated {
  trigger(p: PageRequest): Promise<{ dedupKey: string }>;
  acknowledge(dedupKey: string, routingKey?: string): Promise<void>;
  resolve(dedupKey: string, routingKey?: string): Promise<void>;
  /** Whether the PagerDuty incident behind `dedupKey` was acknowledged (REST API); undefined if none found. */
  acknowledgement(dedupKey: string): Promise<{ acknowledged: boolean; by?: string; at?: Date } | undefined>;
}

export interface Mail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface MailerPort extends MaybeSimulated {
  send(m: Mail): Promise<{ messageId: string; accepted: string[] }>;
}

// The DNS shapes are the core's (failover planning works on them); the Route 53 port speaks them.
export type { DnsChange, DnsRecordSet } from './core/dns.ts';

export interface DnsPort extends MaybeSimulated {
  listRecordSets(zoneId: string, name: string, type?: string): Promise<DnsRecordSet[]>;
  changeRecordSets(zoneId: string, changes: DnsChange[], comment: string): Promise<{ changeId: string; status: 'PENDING' | 'INSYNC' }>;
  getChange(changeId: string): Promise<'PENDING' | 'INSYNC'>;
  healthCheckStatus(healthCheckId: string): Promise<{ healthy: boolean; observations: { region: string; status: string }[] }>;
}

/** Recovery actions other than DNS: a signed webhook, or a program run without a shell. */
export interface ActionRunnerPort {
  http(a: { url: string; method: 'POST' | 'PUT'; body: unknown; idempotencyKey: string; timeoutMs: number }): Promise<{ status: number; body: string }>;
  exec(argv: string[], o: { timeoutMs: number; env?: Record<string, string>; cwd?: string }): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>;
}

/** GitHub: the PIR pull request and tracking issues. Creation searches first (idempotent by marker). */
export interface TrackerPort extends MaybeSimulated {
  /** Finds an issue carrying `marker` in its body, or creates it. */
  ensureIssue(i: { marker: string; title: string; body: string; labels: string[]; assignees?: string[] }): Promise<{ number: number; url: string; created: boolean }>;
  issueState(number: number): Promise<{ state: 'open' | 'closed'; assignees: string[]; url: string }>;
  /** Finds an open PR from `branch`, or creates the branch, commits `path` and opens the PR. */
  ensurePullRequest(p: { branch: string; path: string; content: string; title: string; body: string; commitMessage: string }): Promise<{ number: number; url: string; created: boolean }>;
  comment(issueNumber: number, body: string): Promise<void>;
}

export type StatusPageIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type StatusPageComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';

/** Atlassian Statuspage. */
export interface StatusPagePort extends MaybeSimulated {
  createIncident(i: { name: string; status: StatusPageIncidentStatus; body: string; components: Record<string, StatusPageComponentStatus> }): Promise<{ id: string; url?: string }>;
  updateIncident(id: string, u: { status: StatusPageIncidentStatus; body: string; components: Record<string, StatusPageComponentStatus> }): Promise<void>;
}

/** Every outbound integration the application talks to. */
export interface IntegrationPorts {
  pager: PagerPort;
  mailer: MailerPort;
  tracker: TrackerPort;
  statusPage: StatusPagePort;
  dns: DnsPort;
  actions: ActionRunnerPort;
}
