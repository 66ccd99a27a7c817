/**
 * Times for people in the configured time zone (date-fns with @date-fns/tz: the zone's offset,
 * daylight saving included, comes from the runtime's time zone data).
 */
import { TZDate, tzName } from '@date-fns/tz';
import { format } from 'date-fns';

/** e.g. `2026-11-25 16:02 WAT` (the label, or the zone's short name when there is none). */
export function formatTime(at: Date, timeZone: string, label?: string): string {
  return `${format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm')} ${label ?? tzName(timeZone, at, 'short')}`.trim();
}

/** `YYYYMMDD` of the instant in the time zone (for channel names). */
export function compactDate(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyyMMdd');
}
