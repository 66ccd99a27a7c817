import { DomainError } from './errors.ts';
import type { Severity } from './severity.ts';
import { severityLabel } from './severity.ts';
import type { GroupMembers, PermissionRule, Settings } from './settings.ts';

export const OPEN_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type IncidentStatus = OpenStatus | 'resolved' | 'cancelled';
export type IncidentMode = 'real' | 'drill';
export const ROLES = ['commander', 'comms', 'scribe'] as const;
export type Role = (typeof ROLES)[number];

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  mode: IncidentMode;
  private: boolean;
  impact: string;
  complianceImpact: boolean;
  services: string[];
  declaredBy: string;
  commander: string;
  comms: string | null;
  scribe: string | null;
  declaredAt: Date;
  resolvedAt: Date | null;
  lastUpdateAt: Date;
  /** The text of the latest `/dr update` (templates show it), or null before the first. */
  lastUpdateNote: string | null;
  channelId: string | null;
  channelName: string | null;
  summary: string | null;
  /** Bumped on every change; the card shows the newest version. */
  version: number;
}

export type NewIncident = Omit<Incident, 'id'>;

export type TimelineType =
  | 'declared'
  | 'updated'
  | 'severity_changed'
  | 'assigned'
  | 'resolved'
  | 'cancelled'
  | 'reopened'
  | 'step'
  | 'note';

export interface TimelineEvent {
  type: TimelineType;
  at: Date;
  actor: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface Change {
  incident: Incident;
  events: TimelineEvent[];
}

export function incidentRef(id: number): string {
  return `INC-${id}`;
}

export function isOpen(i: Pick<Incident, 'status'>): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(i.status);
}

export interface DeclareInput {
  title: string;
  severity: Severity;
  impact?: string;
  complianceImpact?: boolean;
  services?: string[];
  private?: boolean;
  mode?: IncidentMode;
  /** The drill scenario (drills/<name>.yml) a drill was started from. */
  scenario?: string;
  by: string;
  at: Date;
}

export function declare(input: DeclareInput): { incident: NewIncident; event: Omit<TimelineEvent, 'at'> & { at: Date } } {
  const incident: NewIncident = {
    title: input.title,
    severity: input.severity,
    status: 'investigating',
    mode: input.mode ?? 'real',
    private: input.private ?? false,
    impact: input.impact ?? '',
    complianceImpact: input.complianceImpact ?? false,
    services: input.services ?? [],
    declaredBy: input.by,
    commander: input.by,
    comms: null,
    scribe: null,
    declaredAt: input.at,
    resolvedAt: null,
    lastUpdateAt: input.at,
    lastUpdateNote: null,
    channelId: null,
    channelName: null,
    summary: null,
    version: 1,
  };
  const event: TimelineEvent = {
    type: 'declared',
    at: input.at,
    actor: input.by,
    text: `Declared ${severityLabel(input.severity)}: ${input.title}`,
    data: { severity: input.severity, private: incident.private, mode: incident.mode, ...(input.scenario ? { scenario: input.scenario } : {}) },
  };
  return { incident, event };
}

function requireOpen(i: Incident): void {
  if (!isOpen(i)) {
    throw new DomainError(
      'INCIDENT_CLOSED',
      `${incidentRef(i.id)} is ${i.status}. Use \`/dr reopen ${incidentRef(i.id)}\` first if it needs more work.`,
    );
  }
}

function bump(i: Incident, patch: Partial<Incident>): Incident {
  return { ...i, ...patch, version: i.version + 1 };
}

/** Whether `user` satisfies any of the rules (an empty rule list allows everyone). */
export function isPermitted(rules: PermissionRule[], user: string, i: Incident, groups: GroupMembers): boolean {
  if (rules.length === 0) return true;
  return rules.some((rule) => {
    if (rule === 'anyone') return true;
    if (rule === 'commander') return i.commander === user;
    if (rule === 'declarer') return i.declaredBy === user;
    if (rule.startsWith('group:')) return (groups[rule.slice(6)] ?? []).includes(user);
    return false;
  });
}

function requirePermitted(rules: PermissionRule[], what: string, user: string, i: Incident, groups: GroupMembers): void {
  if (!isPermitted(rules, user, i, groups)) {
    throw new DomainError('NOT_ALLOWED', `Only ${rules.join(', ')} may ${what} ${incidentRef(i.id)}. Ask the incident commander.`);
  }
}

export function update(i: Incident, u: { text: string; status?: OpenStatus; public?: boolean; by: string; at: Date }): Change {
  requireOpen(i);
  const status = u.status ?? i.status;
  const next = bump(i, { status, lastUpdateAt: u.at, lastUpdateNote: u.text });
  const statusNote = u.status && u.status !== i.status ? ` (status ${i.status} → ${u.status})` : '';
  return {
    incident: next,
    events: [{ type: 'updated', at: u.at, actor: u.by, text: `${u.text}${statusNote}`, data: { status, public: !!u.public, note: u.text } }],
  };
}

export function changeSeverity(
  i: Incident,
  c: { severity: Severity; reason: string; by: string; at: Date },
  settings: Pick<Settings, 'permissions'>,
  groups: GroupMembers,
): Change {
  requireOpen(i);
  if (c.severity === i.severity) {
    throw new DomainError('NO_CHANGE', `${incidentRef(i.id)} is already ${severityLabel(i.severity)}.`);
  }
  // A larger number is a lower severity: that is a downgrade.
  if (c.severity > i.severity) requirePermitted(settings.permissions.downgrade, 'downgrade', c.by, i, groups);
  const from = i.severity;
  return {
    incident: bump(i, { severity: c.severity }),
    events: [{
      type: 'severity_changed', at: c.at, actor: c.by,
      text: `Severity ${severityLabel(from)} → ${severityLabel(c.severity)}: ${c.reason}`,
      data: { from, to: c.severity, reason: c.reason },
    }],
  };
}

export function assign(i: Incident, a: { user: string; role: Role; by: string; at: Date }): Change {
  requireOpen(i);
  if (i[a.role] === a.user) throw new DomainError('NO_CHANGE', `That person is already ${a.role} of ${incidentRef(i.id)}.`);
  return {
    incident: bump(i, { [a.role]: a.user }),
    events: [{ type: 'assigned', at: a.at, actor: a.by, text: `${a.role} assigned`, data: { role: a.role, user: a.user } }],
  };
}

export function resolve(
  i: Incident,
  r: { summary: string; by: string; at: Date },
  settings: Pick<Settings, 'permissions'>,
  groups: GroupMembers,
): Change {
  requireOpen(i);
  requirePermitted(settings.permissions.resolve, 'resolve', r.by, i, groups);
  return {
    incident: bump(i, { status: 'resolved', resolvedAt: r.at, summary: r.summary }),
    events: [{ type: 'resolved', at: r.at, actor: r.by, text: `Resolved: ${r.summary}`, data: { summary: r.summary } }],
  };
}

export function cancel(
  i: Incident,
  c: { reason: string; by: string; at: Date },
  settings: Pick<Settings, 'permissions'>,
  groups: GroupMembers,
): Change {
  requireOpen(i);
  requirePermitted(settings.permissions.resolve, 'cancel', c.by, i, groups);
  return {
    incident: bump(i, { status: 'cancelled', resolvedAt: c.at, summary: c.reason }),
    events: [{ type: 'cancelled', at: c.at, actor: c.by, text: `Cancelled (false alarm): ${c.reason}`, data: { reason: c.reason } }],
  };
}

export function reopen(i: Incident, r: { by: string; at: Date; reason?: string }): Change {
  if (isOpen(i)) throw new DomainError('INCIDENT_OPEN', `${incidentRef(i.id)} is still open (${i.status}).`);
  return {
    incident: bump(i, { status: 'investigating', resolvedAt: null, lastUpdateAt: r.at }),
    events: [{ type: 'reopened', at: r.at, actor: r.by, text: `Reopened${r.reason ? `: ${r.reason}` : ''}`, data: {} }],
  };
}
