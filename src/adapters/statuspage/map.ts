import type { StatusPageComponentStatus, StatusPageIncidentStatus } from '../../ports.ts';

/** drbot's status-page shapes ↔ Statuspage API v1 shapes. */

/** What a component shows for an incident of this severity; every component is operational once resolved. */
export function componentStatusFor(severity: 1 | 2 | 3 | 4, resolved: boolean): StatusPageComponentStatus {
  if (resolved) return 'operational';
  return ({ 1: 'major_outage', 2: 'partial_outage', 3: 'degraded_performance', 4: 'operational' } as const)[severity];
}

// Limits stated in the description's text (not as maxLength): longer values are refused.
const NAME_MAX = 255;
const BODY_MAX = 25_000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Body of POST /pages/{page_id}/incidents and PATCH …/incidents/{incident_id}. */
export interface SpIncidentRequest {
  incident: {
    name?: string;
    status: StatusPageIncidentStatus;
    body: string;
    components?: Record<string, StatusPageComponentStatus>;
    component_ids?: string[];
  };
}

export function toIncidentRequest(i: { name?: string; status: StatusPageIncidentStatus; body: string; components: Record<string, StatusPageComponentStatus> }): SpIncidentRequest {
  const ids = Object.keys(i.components);
  return {
    incident: {
      ...(i.name !== undefined ? { name: clip(i.name, NAME_MAX) } : {}),
      status: i.status,
      body: clip(i.body, BODY_MAX),
      // `components` sets each status; `component_ids` lists the affected ones. An empty list is
      // left out rather than sent, so an update never clears components set earlier.
      ...(ids.length ? { components: { ...i.components }, component_ids: ids } : {}),
    },
  };
}

export interface SpIncident {
  id: string;
  shortlink?: string | null;
}

export function fromIncident(data: unknown): { id: string; url?: string } {
  const i = data as Partial<SpIncident> | null;
  if (!i || typeof i.id !== 'string') throw new Error('Statuspage answered without an incident id');
  return { id: i.id, ...(i.shortlink ? { url: i.shortlink } : {}) };
}

/** The error text in a Statuspage answer: `message` (the description's ErrorEntity) or `error`. */
export function errorText(data: unknown, fallback: string): string {
  const d = data as { message?: unknown; error?: unknown } | null;
  const m = d?.message ?? d?.error;
  return Array.isArray(m) ? m.join('; ') : typeof m === 'string' && m ? m : fallback;
}
