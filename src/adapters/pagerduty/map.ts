import type { PageRequest } from '../../ports.ts';

/** drbot severity (SEV-1 … SEV-4) → Events API v2 `payload.severity`. */
const SEVERITY = { 1: 'critical', 2: 'error', 3: 'warning', 4: 'info' } as const;

export function pagerSeverity(sev: 1 | 2 | 3 | 4): PageRequest['severity'] {
  return SEVERITY[sev];
}

/** Body of `POST /v2/enqueue` (events-v2.openapiv3.json, operation createV2Event). */
export interface EnqueueBody {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  client?: string;
  payload?: { summary: string; source: string; severity: PageRequest['severity']; custom_details?: Record<string, unknown> };
  links?: { href: string; text?: string }[];
}

/** The 202 answer. */
export interface EnqueueAccepted {
  status: string;
  message?: string;
  dedup_key?: string;
}

/** PagerDuty cuts summaries at 1024 characters; cut them ourselves so the end is marked. */
const MAX_SUMMARY = 1024;

export function triggerBody(p: PageRequest, routingKey: string): EnqueueBody {
  const summary = p.summary.length > MAX_SUMMARY ? `${p.summary.slice(0, MAX_SUMMARY - 1)}…` : p.summary;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: p.dedupKey,
    client: 'drbot',
    payload: { summary, source: p.source, severity: p.severity, ...(p.customDetails ? { custom_details: p.customDetails } : {}) },
    ...(p.links?.length ? { links: p.links.map((l) => ({ href: l.href, text: l.text })) } : {}),
  };
}

/** Acknowledge and resolve carry no payload: the dedup key names the alert. */
export function updateBody(action: 'acknowledge' | 'resolve', dedupKey: string, routingKey: string): EnqueueBody {
  return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
}

/** The fields drbot reads from a REST `Incident` (rest.openapiv3.json, `GET /incidents`). */
export interface RestIncident {
  id: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  created_at?: string;
  incident_key?: string;
  acknowledgements?: { at: string; acknowledger: { id?: string; type?: string; summary?: string | null } }[];
}

/**
 * The newest incident for the key decides (a key re-triggered after a resolve opens a new one).
 * Acknowledged means its status is `acknowledged` now; by/at come from the latest acknowledgement.
 */
export function acknowledgementOf(incidents: RestIncident[]): { acknowledged: boolean; by?: string; at?: Date } | undefined {
  if (incidents.length === 0) return undefined;
  const newest = incidents.reduce((a, b) => (Date.parse(b.created_at ?? '') > Date.parse(a.created_at ?? '') ? b : a));
  if (newest.status !== 'acknowledged') return { acknowledged: false };
  const acks = [...(newest.acknowledgements ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = acks[acks.length - 1];
  if (!last) return { acknowledged: true };
  return { acknowledged: true, by: last.acknowledger.summary ?? last.acknowledger.id, at: new Date(last.at) };
}

/**
 * PagerDuty's own words from an error body: Events API `{status, message, errors[]}` or
 * REST API `{error: {code, message, errors[]}}`.
 */
export function errorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; status?: unknown; errors?: unknown; error?: { message?: unknown; errors?: unknown; code?: unknown } };
  const src = b.error && typeof b.error === 'object' ? b.error : b;
  const message = typeof src.message === 'string' ? src.message : typeof b.status === 'string' ? b.status : undefined;
  const details = Array.isArray(src.errors) ? src.errors.filter((e) => typeof e === 'string') : [];
  if (!message && details.length === 0) return undefined;
  return [message, details.join('; ')].filter(Boolean).join(': ');
}
