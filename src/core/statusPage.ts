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
