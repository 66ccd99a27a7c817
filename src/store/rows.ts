import type { Incident, TimelineEvent } from '../core/incident.ts';
import type { ActionItem } from '../core/pir.ts';
import type { Severity } from '../core/severity.ts';
import type { Step, StepStatus } from '../core/steps.ts';

/** Row ↔ domain mapping for the store's SQL files. */
export interface IncidentRow {
  id: number; title: string; severity: number; status: string; mode: string; private: boolean;
  impact: string; compliance_impact: boolean; services: string[]; declared_by: string; commander: string;
  comms: string | null; scribe: string | null; declared_at: Date; resolved_at: Date | null; last_update_at: Date; last_update_note: string | null;
  channel_id: string | null; channel_name: string | null; card_ts: string | null; card_version: number;
  summary: string | null; version: number;
}

export interface StoredIncident extends Incident {
  cardTs: string | null;
  cardVersion: number;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

export function toIncident(r: IncidentRow): StoredIncident {
  return {
    id: r.id, title: r.title, severity: r.severity as Severity, status: r.status as Incident['status'],
    mode: r.mode as Incident['mode'], private: r.private, impact: r.impact, complianceImpact: r.compliance_impact,
    services: r.services, declaredBy: r.declared_by, commander: r.commander, comms: r.comms, scribe: r.scribe,
    declaredAt: date(r.declared_at)!, resolvedAt: date(r.resolved_at), lastUpdateAt: date(r.last_update_at)!, lastUpdateNote: r.last_update_note,
    channelId: r.channel_id, channelName: r.channel_name, summary: r.summary, version: r.version,
    cardTs: r.card_ts, cardVersion: r.card_version,
  };
}

export interface TimelineRow { id: number; incident_id: number; at: Date; actor: string; type: string; text: string; data: Record<string, unknown> }

export interface StoredTimelineEvent extends TimelineEvent { id: number; incidentId: number }

export function toTimeline(r: TimelineRow): StoredTimelineEvent {
  return { id: r.id, incidentId: r.incident_id, at: date(r.at)!, actor: r.actor, type: r.type as TimelineEvent['type'], text: r.text, data: r.data };
}

export interface StepRow {
  id: number; incident_id: number; step_id: string; kind: string; source: string; label: string;
  params: Record<string, unknown>; due_at: Date; status: string; attempts: number; claimed_by: string | null;
  lease_until: Date | null; last_error: string | null; sent_at: Date | null; confirmed_at: Date | null;
  result: Record<string, unknown> | null;
}

export function toStep(r: StepRow): Step {
  return {
    id: r.id, incidentId: r.incident_id, stepId: r.step_id, kind: r.kind, source: r.source, label: r.label,
    params: r.params, dueAt: date(r.due_at)!, status: r.status as StepStatus, attempts: r.attempts,
    lastError: r.last_error, sentAt: date(r.sent_at), confirmedAt: date(r.confirmed_at), result: r.result,
  };
}

/** jsonb parameters are passed as text: `pg` would turn a JS array into a Postgres array. */
export const json = (v: unknown): string => JSON.stringify(v ?? null);

export interface ActionItemRow {
  n: number; text: string; owner: string | null; due: string | Date | null; created_by: string; created_at: Date;
  issue_number: number | null; issue_url: string | null; pir_linked: boolean;
}

// `date` comes back as text from `pg` (we read it with to_char) and PGlite alike.
export const ACTION_ITEM_SELECT = `SELECT n, text, owner, to_char(due, 'YYYY-MM-DD') AS due, created_by, created_at, issue_number, issue_url, pir_linked FROM action_items`;

export function toActionItem(r: ActionItemRow): ActionItem {
  return {
    n: r.n, text: r.text, owner: r.owner, due: r.due === null ? null : String(r.due), createdBy: r.created_by,
    createdAt: new Date(r.created_at), issueNumber: r.issue_number, issueUrl: r.issue_url, pirLinked: r.pir_linked,
  };
}
