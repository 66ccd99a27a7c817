import { describe, expect, it } from 'vitest';
import { dueCalendarNotices, type PlannedDrill } from '../../src/core/drillCalendar.ts';

const calendar: PlannedDrill[] = [{ date: '2027-01-14', scenario: 'communication-drill', participants: ['oncall', 'cto'] }];
const base = { calendar, since: new Date('2026-12-01T00:00:00Z'), timeZone: 'Africa/Lagos', scenarioKnown: (n: string) => n === 'communication-drill' };
const at = (iso: string) => dueCalendarNotices({ ...base, now: new Date(iso) });

describe('the drill calendar (VoxGuard plan, "Testing Schedule")', () => {
  it('briefs at 09:00 (Lagos) the day before, and posts the drill at 09:00 on its day', () => {
    expect(at('2027-01-13T07:59:00Z')).toEqual([]); // 08:59 WAT
    const briefing = at('2027-01-13T08:00:00Z');
    expect(briefing).toEqual([{ key: 'briefing:2027-01-14:communication-drill', kind: 'briefing', text: 'DRILL briefing: communication-drill is planned for tomorrow, 2027-01-14. Participants: oncall, cto.' }]);
    expect(at('2027-01-14T07:00:00Z')).toEqual([]); // the drill day, 08:00 WAT: the briefing is over
    expect(at('2027-01-14T08:00:00Z').map((n) => n.key)).toEqual(['due:2027-01-14:communication-drill']);
    expect(at('2027-01-14T08:00:00Z')[0].text).toContain('Start it with `/dr drill communication-drill`.');
    expect(at('2027-01-14T23:30:00Z')).toEqual([]); // 00:30 WAT the next day
  });

  it('warns once for each quarter without a drill, counted from the last drill', () => {
    const quiet = (iso: string, lastDrillAt?: Date) => dueCalendarNotices({ ...base, calendar: [], lastDrillAt, now: new Date(iso) });
    expect(quiet('2027-02-28T00:00:00Z')).toEqual([]);
    const first = quiet('2027-03-01T00:00:00Z');
    expect(first.map((n) => n.kind)).toEqual(['overdue']);
    expect(first[0].text).toBe('No DR drill for a quarter (none has run yet). The testing schedule asks for one every quarter: `/dr drill` lists the scenarios.');
    // Still the same quarter: the same key (posted once); the next quarter: a new one.
    expect(quiet('2027-05-31T00:00:00Z')[0].key).toBe(first[0].key);
    expect(quiet('2027-06-01T00:00:00Z')[0].key).not.toBe(first[0].key);
    // A drill resets the count.
    expect(quiet('2027-06-01T00:00:00Z', new Date('2027-04-01T10:00:00Z'))).toEqual([]);
  });

  it('says when a planned scenario does not exist', () => {
    const n = dueCalendarNotices({ ...base, calendar: [{ date: '2027-01-14', scenario: 'nope', participants: [] }], now: new Date('2027-01-14T08:00:00Z') });
    expect(n[0].text).toBe('DRILL due today: nope (no scenario "nope" in drills/: fix drbot.yml drills.calendar). Start it with `/dr drill nope`.');
  });
});
