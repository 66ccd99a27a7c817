/**
 * The fields of drbot's own public status page (templates/status/page.html.hbs, GET /status).
 * Values arrive as plain text: Handlebars HTML-escapes every `{{field}}`, so the template must
 * never use `{{{triple}}}` braces. Times are already formatted in the configured time zone.
 */
export interface StatusPageData {
  /** The public service name (drbot.yml public_service). */
  service: string;
  organization: string;
  /** operational, degraded_performance, partial_outage or major_outage (also the banner's CSS class). */
  overall: string;
  /** The banner's words: "All systems operational", "Major outage" … */
  banner: string;
  /** When the page was made. */
  updated: string;
  components: { name: string; status: string; label: string }[];
  incidents: StatusPageIncident[];
  /** Closed in the last `historyDays` days, newest first. */
  history: StatusPageIncident[];
  historyDays: number;
  /** Empty, or why these updates went nowhere else (Statuspage is the built-in simulation). */
  notice: string;
}

export interface StatusPageIncident {
  title: string;
  /** "SEV-1 · Identified · since 2026-11-24 09:30 WAT · affects detection-engine" */
  meta: string;
  /** Public updates, newest first; `at` is ISO 8601 (for `<time datetime>`), `time` as shown. */
  updates: { at: string; time: string; label: string; body: string }[];
}

/**
 * Two samples for the start-up check, one with something in every list and one with every list
 * empty: rendering both in strict mode reaches every field and every branch of the template.
 */
export function sampleStatusPageData(): StatusPageData[] {
  const incident: StatusPageIncident = {
    title: 'Sample', meta: 'SEV-1 · Investigating · since 2026-01-01 01:00 WAT',
    updates: [{ at: '2026-01-01T00:00:00.000Z', time: '2026-01-01 01:00 WAT', label: 'Investigating', body: 'sample' }],
  };
  const full: StatusPageData = {
    service: 'Sample', organization: 'Sample', overall: 'major_outage', banner: 'Major outage', updated: '2026-01-01 01:00 WAT',
    components: [{ name: 'api', status: 'major_outage', label: 'Major outage' }], incidents: [incident], history: [{ ...incident, updates: [] }], historyDays: 90,
    notice: 'Sample notice',
  };
  return [full, { ...full, overall: 'operational', banner: 'All systems operational', components: [], incidents: [], history: [], notice: '' }];
}
