import type { Settings } from '../core/settings.ts';
import { formatTime } from '../core/time.ts';
import type { StatusPageData, StatusPageIncident } from '../templates/statusPageData.ts';
import type { AppContext } from './context.ts';
import { HISTORY_DAYS, loadPublicStatus, type IncidentView, type StatusView } from './publicStatus.ts';

const LABEL: Record<string, string> = {
  operational: 'Operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage',
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
};
const BANNER: Record<string, string> = {
  operational: 'All systems operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage',
};

/** The status view in the words and times the page shows (templates/status/page.html.hbs). */
export function statusPageData(v: StatusView, settings: Pick<Settings, 'timeZone' | 'timeZoneLabel'>): StatusPageData {
  const when = (iso: string) => formatTime(new Date(iso), settings.timeZone, settings.timeZoneLabel);
  const incident = (i: IncidentView): StatusPageIncident => {
    const meta = [i.severity, LABEL[i.status], i.resolvedAt ? `${when(i.startedAt)} – ${when(i.resolvedAt)} (${i.duration})` : `since ${when(i.startedAt)}`];
    if (i.components.length) meta.push(`affects ${i.components.join(', ')}`);
    return { title: i.title, meta: meta.join(' · '), updates: i.updates.map((u) => ({ at: u.at, time: when(u.at), label: LABEL[u.status] ?? u.status, body: u.body })) };
  };
  return {
    service: v.service, organization: v.organization, overall: v.overall, banner: BANNER[v.overall], updated: when(v.generatedAt),
    components: v.components.map((c) => ({ name: c.name, status: c.status, label: LABEL[c.status] })),
    incidents: v.incidents.map(incident), history: v.history.map(incident), historyDays: HISTORY_DAYS,
    notice: v.simulated ? `${v.simulated}: these updates are shown here only; nothing was published to Statuspage.` : '',
  };
}

/** drbot's own public status page as HTML: one self-contained document, every value escaped by Handlebars. */
export async function renderPublicStatusPage(ctx: Pick<AppContext, 'db' | 'clock' | 'config'> & { statusPage?: AppContext['statusPage'] }): Promise<string> {
  const template = ctx.config.templates.statusPageHtml;
  if (!template) throw new Error('there is no templates/status/page.html.hbs in the config folder (restore it from the drbot repository)');
  return template.render(statusPageData(await loadPublicStatus(ctx), ctx.config.settings));
}
