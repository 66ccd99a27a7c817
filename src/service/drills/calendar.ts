/**
 * Posts the drill calendar's notices (drbot.yml `drills.calendar`) in the announcements channel:
 * the briefing the day before, the drill on its day, and a warning for each quarter without a
 * drill. Every replica checks every minute; a notice is claimed in the store before it is posted,
 * so it goes out once (a crash between the claim and the post loses that one notice).
 */
import { dueCalendarNotices } from '../../core/drillCalendar.ts';
import { textMessage } from '../../core/message.ts';
import { claimCalendarNotice } from '../../store/sql/claimCalendarNotice.ts';
import { drillHistory } from '../../store/sql/drillHistory.ts';
import type { AppContext } from '../context.ts';

export async function postDueCalendarNotices(ctx: AppContext): Promise<number> {
  const { settings, drills } = ctx.config;
  const calendar = settings.drills?.calendar ?? [];
  if (!calendar.length) return 0; // no calendar: no reminders, and no quarterly warning either
  const now = ctx.clock.now();
  const history = await drillHistory(ctx.db);
  const due = dueCalendarNotices({
    calendar, lastDrillAt: history.lastDrillAt, since: history.installedAt, now, timeZone: settings.timeZone,
    scenarioKnown: (name) => drills.some((d) => d.name === name),
  });
  let posted = 0;
  for (const n of due) {
    if (!(await claimCalendarNotice(ctx.db, n.key, now))) continue;
    await ctx.chat.post(settings.channels.announcements, textMessage([n.text]));
    ctx.log.info({ notice: n.key }, 'drill calendar notice posted');
    posted++;
  }
  return posted;
}
