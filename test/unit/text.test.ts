import { describe, expect, it } from 'vitest';
import { channelName, slugify } from '../../src/core/channelName.ts';
import { formatDuration, parseDuration } from '../../src/core/duration.ts';
import { formatTime } from '../../src/core/time.ts';

describe('durations', () => {
  it.each([['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['2d', 172_800_000], ['1h30m', 5_400_000], ['0', 0], ['250ms', 250]])('%s', (t, ms) => expect(parseDuration(t)).toBe(ms));
  it.each(['5 minutes', '', 'm5', '1x', '-5m'])('refuses %j', (t) => expect(parseDuration(t)).toBeUndefined());
  it('formats', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000 * 26)).toBe('1d2h');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('channel names', () => {
  const i = { id: 12, title: 'Lagos region unreachable!', declaredAt: new Date('2026-11-24T09:00:00Z') };
  it('follows the pattern in the configured time zone', () => {
    expect(channelName('inc-{date}-{slug}', i, 'Africa/Lagos')).toBe('inc-20261124-lagos-region-unreachable');
    // 23:30 UTC is already the next day in Lagos (UTC+1).
    expect(channelName('inc-{date}-{slug}', { ...i, declaredAt: new Date('2026-11-24T23:30:00Z') }, 'Africa/Lagos')).toBe('inc-20261125-lagos-region-unreachable');
  });
  it('makes repeated titles unique with the incident number', () => {
    expect(channelName('inc-{date}-{slug}', i, 'UTC', 1)).toBe('inc-20261124-lagos-region-unreachable-12');
    expect(channelName('inc-{date}-{slug}', i, 'UTC', 2)).toBe('inc-20261124-lagos-region-unreachable-12-2');
  });
  it('stays within Slack limits whatever the title', () => {
    const name = channelName('inc-{date}-{slug}', { ...i, title: '<!channel> ÉCHEC 💥 '.repeat(30) }, 'UTC', 3);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[a-z0-9_-]+$/);
    expect(slugify('💥💥')).toBe('incident');
  });
});

describe('times', () => {
  it('shows the configured zone label', () => {
    expect(formatTime(new Date('2026-11-24T09:05:00Z'), 'Africa/Lagos', 'WAT')).toBe('2026-11-24 10:05 WAT');
  });
});
