import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/core/retryAfter.ts';

const NOW = new Date('2026-11-25T15:00:00Z');

describe('parseRetryAfter', () => {
  it('delay-seconds → milliseconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('12', NOW)).toBe(12_000);
    expect(parseRetryAfter(' 30 ', NOW)).toBe(30_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });

  it('an HTTP date → the time until then, from the clock passed in', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 15:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW.getTime() + 90_000).toUTCString(), NOW)).toBe(90_000);
    // The same header read one minute later means one minute less.
    expect(parseRetryAfter('Wed, 25 Nov 2026 15:02:00 GMT', new Date(NOW.getTime() + 60_000))).toBe(60_000);
  });

  it('the obsolete date forms RFC 9110 still requires recipients to accept', () => {
    expect(parseRetryAfter('Wednesday, 25-Nov-26 15:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Wed Nov 25 15:00:20 2026', NOW)).toBe(20_000);
    expect(parseRetryAfter('Wed Nov  4 15:00:20 2026', new Date('2026-11-04T15:00:00Z'))).toBe(20_000);
  });

  it('a date in the past → 0 (retry now), never negative', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 14:59:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('garbage → undefined', () => {
    for (const v of [undefined, null, '', '   ', 'soon', '-5', '12s', '1e3', 'Infinity', 'NaN', '0x10', '5, 6',
      'Wed, 31 Feb 2026 15:00:00 GMT', 'Wed, 25 Nov 2026 25:00:00 GMT', '2026-11-25T15:01:00Z', 'Wed, 25 Nov 2026 15:01:00 PST']) {
      expect(parseRetryAfter(v, NOW), String(v)).toBeUndefined();
    }
  });

  it('huge values are capped', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('99999999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('600', NOW, 60_000)).toBe(60_000);
    expect(parseRetryAfter(String(MAX_RETRY_AFTER_MS / 1000 - 1), NOW)).toBe(MAX_RETRY_AFTER_MS - 1000);
  });
});
