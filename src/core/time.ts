/**
 * Times for people in the configured time zone. Intl formatters are costly to build (a large
 * share of a request's CPU when built per call), so one is kept per zone and format.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withTime: boolean, zoneName: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}|${zoneName}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
      ...(zoneName ? { timeZoneName: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(at: Date, f: Intl.DateTimeFormat): (t: string) => string {
  const p = f.formatToParts(at);
  return (t) => p.find((x) => x.type === t)?.value ?? '';
}

/** e.g. `2026-11-25 16:02 WAT` (the label, or the zone's short name when there is none). */
export function formatTime(at: Date, timeZone: string, label?: string): string {
  const get = parts(at, formatter(timeZone, true, !label));
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${label ?? get('timeZoneName')}`.trim();
}

/** `YYYYMMDD` of the instant in the time zone (for channel names). */
export function compactDate(at: Date, timeZone: string): string {
  const get = parts(at, formatter(timeZone, false, false));
  return `${get('year')}${get('month')}${get('day')}`;
}
