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

/**
 * The text depends only on the minute: a card shows many times, mostly the same few minutes, and
 * formatToParts is most of a `/dr status` answer's CPU. Recent minutes are kept (bounded).
 */
const formatted = new Map<string, string>();

/** e.g. `2026-11-25 16:02 WAT` (the label, or the zone's short name when there is none). */
export function formatTime(at: Date, timeZone: string, label?: string): string {
  const key = `${Math.floor(at.getTime() / 60_000)}|${timeZone}|${label ?? ''}`;
  let text = formatted.get(key);
  if (text === undefined) {
    const get = parts(at, formatter(timeZone, true, !label));
    text = `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${label ?? get('timeZoneName')}`.trim();
    if (formatted.size >= 2_000) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

/** `YYYYMMDD` of the instant in the time zone (for channel names). */
export function compactDate(at: Date, timeZone: string): string {
  const get = parts(at, formatter(timeZone, false, false));
  return `${get('year')}${get('month')}${get('day')}`;
}
