/**
 * The drill calendar (VoxGuard plan, "Testing Schedule"): drills planned on dates in drbot.yml.
 * Pure: which notices are due now — a briefing the day before, a post on the day, and a warning
 * when a quarter has passed without any drill. Each notice has a key, so it is posted once.
 */
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { addMonths } from 'date-fns/addMonths';
import { format } from 'date-fns/format';
import { parseISO } from 'date-fns/parseISO';

export interface PlannedDrill {
  /** `YYYY-MM-DD` in the configured time zone. */
  date: string;
  scenario: string;
  /** Contact groups or Slack user ids taking part. */
  participants: string[];
}

export interface CalendarNotice {
  /** Unique per notice: posting claims it first, so replicas post it once. */
  key: string;
  kind: 'briefing' | 'due' | 'overdue';
  text: string;
}

/** When in the day (local time) notices go out. */
export const NOTICE_HOUR = 9;

/** The instant `date` (YYYY-MM-DD) at `hour`:00 in the time zone. */
function at(date: string, hour: number, timeZone: string): Date {
  const d = parseISO(date);
  return new Date(new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), hour, 0, 0, timeZone).getTime());
}

/**
 * Notices due at `now`: for each planned drill, the briefing from 09:00 the day before until the
 * drill day, and the day's post from 09:00 that day until the day ends; and, when no drill ran for
 * three months (counted from `lastDrillAt`, or from `since` when there was none), one warning a quarter.
 */
export function dueCalendarNotices(o: {
  calendar: PlannedDrill[]; lastDrillAt?: Date; since: Date; now: Date; timeZone: string; scenarioKnown: (name: string) => boolean;
}): CalendarNotice[] {
  const out: CalendarNotice[] = [];
  const who = (d: PlannedDrill) => (d.participants.length ? ` Participants: ${d.participants.join(', ')}.` : '');
  for (const d of o.calendar) {
    const day = at(d.date, 0, o.timeZone);
    const briefing = at(format(addDays(parseISO(d.date), -1), 'yyyy-MM-dd'), NOTICE_HOUR, o.timeZone);
    const due = at(d.date, NOTICE_HOUR, o.timeZone);
    const unknown = o.scenarioKnown(d.scenario) ? '' : ` (no scenario "${d.scenario}" in drills/: fix drbot.yml drills.calendar)`;
    if (o.now >= briefing && o.now < day) {
      out.push({ key: `briefing:${d.date}:${d.scenario}`, kind: 'briefing', text: `DRILL briefing: ${d.scenario} is planned for tomorrow, ${d.date}${unknown}.${who(d)}` });
    }
    if (o.now >= due && o.now < addDays(day, 1)) {
      out.push({ key: `due:${d.date}:${d.scenario}`, kind: 'due', text: `DRILL due today: ${d.scenario}${unknown}. Start it with \`/dr drill ${d.scenario}\`.${who(d)}` });
    }
  }
  const from = o.lastDrillAt ?? o.since;
  let quarters = 0;
  while (addMonths(from, 3 * (quarters + 1)) <= o.now) quarters++;
  if (quarters > 0) {
    // One warning for each quarter that passes without a drill.
    const last = o.lastDrillAt ? `the last one started ${format(o.lastDrillAt, 'yyyy-MM-dd')}` : 'none has run yet';
    out.push({
      key: `overdue:${from.toISOString()}:${quarters}`, kind: 'overdue',
      text: `No DR drill for ${quarters === 1 ? 'a quarter' : `${quarters} quarters`} (${last}). The testing schedule asks for one every quarter: \`/dr drill\` lists the scenarios.`,
    });
  }
  return out;
}
