import { formatDuration } from '../core/duration.ts';
import { incidentRef, isOpen } from '../core/incident.ts';
import { severityLabel } from '../core/severity.ts';
import type { Settings } from '../core/settings.ts';
import { COMPONENT_STATUS, publicComponentNames, publicStatus, publicTitle, type ComponentStatus } from '../core/statusPage.ts';
import { listPublicIncidents, type PublicIncident } from '../store/sql/listPublicIncidents.ts';
import type { AppContext } from './context.ts';

/** What drbot's own status page shows, as plain data: `/status.json` as is, `/status` as HTML. */
export interface StatusView {
  service: string;
  organization: string;
  generatedAt: string;
  overall: ComponentStatus;
  components: { name: string; status: ComponentStatus }[];
  incidents: IncidentView[];
  /** Closed in the last `HISTORY_DAYS` days, newest first. */
  history: IncidentView[];
  /** Set when Statuspage is the built-in simulation: these updates were published nowhere else. */
  simulated?: string;
}

export interface IncidentView {
  id: string;
  /** The public name (what it does to which components), never the internal title. */
  title: string;
  severity: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  startedAt: string;
  resolvedAt: string | null;
  duration: string | null;
  components: string[];
  updates: { at: string; status: string; body: string }[];
}

export const HISTORY_DAYS = 90;

const RANK: ComponentStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];
const worse = (a: ComponentStatus, b: ComponentStatus) => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a);

/** The configured public components an incident touches (drbot.yml status_page.components keys). */
function publicComponents(services: string[], names: string[]): string[] {
  return publicComponentNames(services, Object.fromEntries(names.map((n) => [n, n])));
}

function view(p: PublicIncident, names: string[], publicService: string): IncidentView {
  const i = p.incident;
  return {
    id: incidentRef(i.id),
    title: publicTitle(i, publicComponents(i.services, names), publicService),
    severity: severityLabel(i.severity),
    status: publicStatus(i.status),
    startedAt: i.declaredAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    duration: i.resolvedAt ? formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime()) : null,
    components: publicComponents(i.services, names),
    updates: p.updates.map((u) => ({ at: u.at.toISOString(), status: u.status, body: u.body })),
  };
}

/** Component state from the open incidents: the worst status any of them gives it. */
export function statusView(list: PublicIncident[], settings: Pick<Settings, 'publicService' | 'organization' | 'statusPage'>, now: Date): StatusView {
  const names = Object.keys(settings.statusPage.components);
  const open = list.filter((p) => isOpen(p.incident));
  const components = names.map((name) => ({
    name,
    status: open
      .filter((p) => publicComponents(p.incident.services, [name]).length)
      .reduce<ComponentStatus>((s, p) => worse(s, COMPONENT_STATUS[p.incident.severity]), 'operational'),
  }));
  // An open incident that names no public component still means something is wrong.
  const overall = open.reduce<ComponentStatus>((s, p) => worse(s, COMPONENT_STATUS[p.incident.severity]), 'operational');
  return {
    service: settings.publicService,
    organization: settings.organization,
    generatedAt: now.toISOString(),
    overall: components.reduce((s, c) => worse(s, c.status), overall),
    components,
    incidents: open.map((p) => view(p, names, settings.publicService)),
    history: list.filter((p) => !isOpen(p.incident)).map((p) => view(p, names, settings.publicService))
      .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '')),
  };
}

/**
 * What drbot's own status page shows now: only incidents made public, in their public words;
 * private and drill incidents never appear.
 */
export async function loadPublicStatus(ctx: Pick<AppContext, 'db' | 'clock' | 'config'> & { statusPage?: AppContext['statusPage'] }): Promise<StatusView> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
  const v = statusView(await listPublicIncidents(ctx.db, since), ctx.config.settings, now);
  return ctx.statusPage?.simulated ? { ...v, simulated: ctx.statusPage.simulated } : v;
}
