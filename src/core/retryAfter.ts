/**
 * A provider's `Retry-After` header (RFC 9110 §10.2.3) → milliseconds to wait, the one parser
 * every adapter uses. Pure: the caller passes the current time (its injected clock).
 */

/** The longest wait honoured: an hour (GitHub's primary rate-limit window). A longer answer is capped. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

const DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, what servers send). */
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 form; recipients must still accept it). */
const RFC850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime form). */
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * `Retry-After` (or a header with the same syntax) as milliseconds from `now`:
 * - delay-seconds (`120`; a decimal such as `1.5` is accepted too) → that many seconds;
 * - an HTTP-date in any of the three forms RFC 9110 names → the time until then, 0 if it is past;
 * - anything else (empty, negative, `soon`, a malformed date) → undefined;
 * - capped at `maxMs` (default {@link MAX_RETRY_AFTER_MS}), so a broken provider cannot park a step for days.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date, maxMs = MAX_RETRY_AFTER_MS): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(maxMs, Math.round(Number(v) * 1000));
  const at = httpDate(v, now);
  if (at === undefined) return undefined;
  return Math.min(maxMs, Math.max(0, at - now.getTime()));
}

/** Epoch milliseconds of an HTTP-date, or undefined when `v` is not one (or names an impossible time). */
function httpDate(v: string, now: Date): number | undefined {
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(Number(m[3]), m[2], Number(m[1]), m[4], m[5], m[6]);
  m = RFC850.exec(v);
  if (m) {
    // RFC 9110: a two-digit year that would be more than 50 years ahead is in the past century.
    const thisYear = now.getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2], Number(m[1]), m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(v);
  if (m) return utc(Number(m[6]), m[1], Number(m[2].trim()), m[3], m[4], m[5]);
  return undefined;
}

function utc(year: number, month: string, day: number, hh: string, mm: string, ss: string): number | undefined {
  const mon = MONTHS.indexOf(month);
  const [h, mi, s] = [Number(hh), Number(mm), Number(ss)];
  if (day < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(year, mon, day, h, mi, Math.min(s, 59));
  // Date.UTC rolls 31 Feb over into March: such a date is malformed, not a day in March.
  return new Date(t).getUTCDate() === day ? t : undefined;
}
