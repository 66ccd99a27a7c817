import { describe, expect, it } from 'vitest';
import { channelName, slugify } from '../../src/core/channelName.ts';
import { formatDuration, parseDuration } from '../../src/core/duration.ts';
import { compactDate, formatTime } from '../../src/core/time.ts';
import { channelTopic, cleanText, inertMarkup } from '../../src/core/text.ts';

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

describe('cleaning what people type', () => {
  it('drops bidi overrides, embeddings and isolates, so a title reads as it is stored', () => {
    // "Invoice gpj.exe" with a right-to-left override shows as "Invoice exe.jpg".
    expect(cleanText('Invoice \u202Egpj.exe')).toBe('Invoice gpj.exe');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
      expect(cleanText(`Lagos${c} down`)).toBe('Lagos down');
    }
  });

  it('drops zero-width characters, so two titles that look the same are the same', () => {
    for (const c of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF']) expect(cleanText(`La${c}gos down`)).toBe('Lagos down');
    expect(cleanText('\uFEFF\u200B  \u2060')).toBe('');
  });

  it('still folds control characters and white space, and keeps other scripts and emoji', () => {
    expect(cleanText('DB\u0000 down\u0007\u0085now\t\n  again')).toBe('DB down now again');
    expect(cleanText('Échec à Lagos — 💥 لاغوس')).toBe('Échec à Lagos — 💥 لاغوس');
  });
});

describe('the channel topic', () => {
  const i = { id: 7, severity: 2 as const, title: 'Phish <https://evil.example|click here> <!channel> <@U0CTO00001> <#C0GENERAL>' };

  it('makes Slack markup in the title inert: masked links, mentions, channel links', () => {
    const topic = channelTopic(i);
    expect(topic.startsWith('INC-7 · SEV-2 · Phish ')).toBe(true);
    // What Slack would parse as markup: `<` followed directly by a URL, `!`, `@` or `#`.
    expect(topic).not.toMatch(/<[^\u200B]/);
    // It reads the same once the zero-width spaces are taken out.
    expect(topic.replace(/\u200B/g, '')).toBe(`INC-7 · SEV-2 · ${i.title}`);
  });

  it('is idempotent and stays within Slack\'s 250 characters', () => {
    expect(inertMarkup(inertMarkup('<!here>'))).toBe(inertMarkup('<!here>'));
    expect(channelTopic({ ...i, title: '<https://x.example|y> '.repeat(40) }).length).toBeLessThanOrEqual(250);
  });
});

describe('times in other zones', () => {
  it('follows daylight saving and names the zone when no label is configured', () => {
    // The zone's short name comes from the runtime's locale data (BST or GMT+1): the hour is the point.
    expect(formatTime(new Date('2026-07-01T12:00:00Z'), 'Europe/London')).toMatch(/^2026-07-01 13:00 (BST|GMT\+1)$/);
    expect(formatTime(new Date('2026-12-01T12:00:00Z'), 'Europe/London')).toBe('2026-12-01 12:00 GMT');
    expect(compactDate(new Date('2026-11-24T23:30:00Z'), 'Africa/Lagos')).toBe('20261125');
  });
});
