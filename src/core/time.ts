/**
 * Times for people in the configured time zone (date-fns with @date-fns/tz: the zone's offset,
 * daylight saving included, comes from the runtime's time zone data).
 */
import { TZDate, tzName } from '@date-fns/tz';
import { format } from 'date-fns/format';

/**
 * The text depends only on the minute: a card shows many times, mostly the same few minutes, and
 * formatting is a large share of a `/dr status` answer's CPU. Recent minutes are kept (bounded).
 */
const formatted = new Map<string, string>();

/** e.g. `2026-11-25 16:02 WAT` (the label, or the zone's short name when there is none). */
export function formatTime(at: Date, timeZone: string, label?: string): string {
  const key = `${Math.floor(at.getTime() / 60_000)}|${timeZone}|${label ?? ''}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = `${format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm')} ${label ?? tzName(timeZone, at, 'short')}`.trim();
    if (formatted.size >= 2_000) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

/** `YYYYMMDD` of the instant in the time zone (for channel names). */
export function compactDate(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'yyyyMMdd');
}
