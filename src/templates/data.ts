import { nextUpdateDue } from '../core/card.ts';
import { formatDuration } from '../core/duration.ts';
import { incidentRef, type Incident } from '../core/incident.ts';
import type { PirDoc } from '../core/pir.ts';
import { severityLabel } from '../core/severity.ts';
import type { Settings } from '../core/settings.ts';
import { formatTime } from '../core/time.ts';

/**
 * The fields every communication template can use. Built the same way for every template, and
 * with a sample incident at start-up, so a template naming a field that is not here is refused.
 */
export interface TemplateData {
  organization: string;
  publicService: string;
  incident: {
    ref: string; title: string; severity: string; severityName: string; meaning: string; status: string; statusUpper: string;
    impact: string; commander: string; declaredBy: string; declaredAt: string; services: string[]; channel: string;
    summary: string; compliance: string; mode: string;
  };
  time: string;
  responders: string[];
  warRoom: string;
  nextUpdate: string;
  cadence: string;
  lastUpdate: string;
  duration: string;
  resolvedAt: string;
  /** Free text of the message being sent (a `/dr update --public` text, a reminder). */
  text: string;
  /** The post-incident review (templates/pir.md.hbs); placeholders outside the PIR. */
  pir: PirDoc;
}

export interface TemplateContext {
  settings: Settings;
  now: Date;
  /** Slack id → display name. */
  name: (id: string) => string;
  responders: string[];
  lastUpdate?: string;
  text?: string;
  pir?: PirDoc;
}

const STATUS: Record<Incident['status'], string> = {
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved', cancelled: 'Cancelled',
};

export function templateData(i: Incident, c: TemplateContext): TemplateData {
  const { settings } = c;
  const when = (d: Date) => formatTime(d, settings.timeZone, settings.timeZoneLabel);
  const sev = settings.severities[i.severity];
  const due = nextUpdateDue(i, settings);
  const end = i.resolvedAt ?? c.now;
  return {
    organization: settings.organization,
    publicService: settings.publicService,
    incident: {
      ref: incidentRef(i.id), title: i.title, severity: severityLabel(i.severity), severityName: sev.name, meaning: sev.meaning,
      status: STATUS[i.status], statusUpper: STATUS[i.status].toUpperCase(), impact: i.impact || 'Being assessed',
      commander: c.name(i.commander), declaredBy: c.name(i.declaredBy), declaredAt: when(i.declaredAt), services: i.services,
      channel: i.channelName ? `#${i.channelName}` : '(channel opening)', summary: i.summary ?? '', compliance: i.complianceImpact ? 'yes' : 'no', mode: i.mode,
    },
    time: when(c.now),
    responders: c.responders,
    warRoom: settings.warRoomUrl ?? '(no war room link configured)',
    nextUpdate: due ? when(due) : 'on resolution',
    cadence: sev.updateCadenceMs ? formatDuration(sev.updateCadenceMs) : 'on resolution',
    lastUpdate: c.lastUpdate ?? '',
    duration: formatDuration(end.getTime() - i.declaredAt.getTime()),
    resolvedAt: i.resolvedAt ? when(i.resolvedAt) : '',
    text: c.text ?? '',
    pir: c.pir ?? noPir(settings),
  };
}

/** The PIR fields when no review is being written (every field present, so templates check at start-up). */
function noPir(settings: Settings): PirDoc {
  const none = 'not available';
  return {
    date: none, start: none, end: none, timeZone: settings.timeZoneLabel ?? settings.timeZone, detection: none,
    timeToAcknowledge: none, timeToMitigate: none, timeToResolve: none, timeline: [], actionItems: [], rto: [],
  };
}

/** Applies `escape` to every string (Slack: user text must not become markup or mentions). */
export function escapeData<T>(data: T, escape: (s: string) => string): T {
  if (typeof data === 'string') return escape(data) as T;
  if (Array.isArray(data)) return data.map((d) => escapeData(d, escape)) as T;
  if (data && typeof data === 'object' && !(data instanceof Date)) {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, escapeData(v, escape)])) as T;
  }
  return data;
}
