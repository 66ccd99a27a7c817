import type { Incident, IncidentStatus } from './incident.ts';
import type { Severity } from './severity.ts';

export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage';

/** What a public component shows while an incident of this severity is open. */
export const COMPONENT_STATUS: Record<Severity, ComponentStatus> = {
  1: 'major_outage', 2: 'partial_outage', 3: 'degraded_performance', 4: 'operational',
};

/** The public status an incident's status maps to (Statuspage's incident statuses). */
export function publicStatus(s: IncidentStatus): 'investigating' | 'identified' | 'monitoring' | 'resolved' {
  return s === 'cancelled' ? 'resolved' : s;
}

const IMPACT: Record<ComponentStatus, string> = {
  major_outage: 'Major outage', partial_outage: 'Partial outage', degraded_performance: 'Degraded performance', operational: 'Service issue',
};

/**
 * The name an incident goes by in public (drbot's /status, Statuspage): what it does to which
 * public components, never the internal title ("Major outage: detection-engine, management-api").
 */
export function publicTitle(i: Pick<Incident, 'severity'>, components: string[], publicService: string): string {
  return `${IMPACT[COMPONENT_STATUS[i.severity]]}: ${components.length ? components.join(', ') : publicService}`;
}

/** Affected services that have a public component (drbot.yml status_page.components), as configured. */
export function publicComponentNames(services: string[], componentMap: Record<string, string>): string[] {
  const wanted = new Set(services.map((s) => s.toLowerCase()));
  return Object.keys(componentMap).filter((n) => wanted.has(n.toLowerCase()));
}

/** Component id → status for the incident's affected services that have a public component. */
export function componentStatuses(i: Pick<Incident, 'services' | 'severity' | 'status'>, componentMap: Record<string, string>): Record<string, ComponentStatus> {
  const closed = i.status === 'resolved' || i.status === 'cancelled';
  const out: Record<string, ComponentStatus> = {};
  for (const service of i.services) {
    const id = componentMap[service] ?? componentMap[service.toLowerCase()];
    if (id) out[id] = closed ? 'operational' : COMPONENT_STATUS[i.severity];
  }
  return out;
}
