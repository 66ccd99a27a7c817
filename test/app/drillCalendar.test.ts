import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { postDueCalendarNotices } from '../../src/service/drills/calendar.ts';
import { testApp } from '../helpers/app.ts';
import { testConfigDir } from '../helpers/configDir.ts';

const calendarDir = (scenario = 'communication-drill') => testConfigDir({
  'drbot.yml': (d) => {
    d.drills.calendar = [{ date: '2027-01-14', scenario, participants: ['oncall'] }];
  },
});

describe('the drill calendar in drbot.yml', () => {
  it('posts the briefing and the day\'s drill in the announcements channel, each once', async () => {
    const t = await testApp({ configDir: calendarDir() });
    try {
      const check = () => postDueCalendarNotices(t.app.ctx);
      t.clock.set(new Date('2027-01-13T08:30:00Z')); // 09:30 WAT the day before
      expect(await check()).toBe(1);
      expect(await check()).toBe(0); // the next minute's check (or another replica): already posted
      t.clock.set(new Date('2027-01-14T08:05:00Z'));
      expect(await check()).toBe(1);
      expect(t.chat.texts('post', 'incidents')).toEqual([
        'DRILL briefing: communication-drill is planned for tomorrow, 2027-01-14. Participants: oncall.',
        'DRILL due today: communication-drill. Start it with `/dr drill communication-drill`. Participants: oncall.',
      ]);
    } finally {
      await t.close();
    }
  });

  it('refuses a calendar naming a scenario that does not exist, at start', () => {
    expect(() => loadConfig(calendarDir('fire-drill'))).toThrow(ConfigError);
    expect(() => loadConfig(calendarDir('fire-drill'))).toThrow(/drbot\.yml: drills\.calendar\[0\]\.scenario: no scenario "fire-drill" \(expected one of /);
  });
});
