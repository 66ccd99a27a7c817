import { describe, expect, it } from 'vitest';
import { calendarDateProblem, parseCommand, parseUserMention, TITLE_MAX } from '../../src/core/commands.ts';
import { DomainError } from '../../src/core/errors.ts';
import { parseSeverity } from '../../src/core/severity.ts';

function refusal(text: string): DomainError {
  try {
    parseCommand(text);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('severity', () => {
  it.each([['sev1', 1], ['SEV-1', 1], ['1', 1], ['Sev-4', 4], ['sev4', 4]])('accepts %s', (t, s) => expect(parseSeverity(t)).toBe(s));
  it.each(['sev9', 'sev0', '5', 'critical', '', 'sev-12'])('refuses %s', (t) => expect(parseSeverity(t)).toBeUndefined());
});

describe('parseCommand', () => {
  it('parses a declare with severity, title and --private', () => {
    expect(parseCommand('declare SEV-1 Lagos   region unreachable --private')).toEqual({ verb: 'declare', severity: 1, title: 'Lagos region unreachable', private: true });
  });

  it('--private is a flag only as its own last word, never inside a title', () => {
    expect(parseCommand('declare sev2 leak of --private keys')).toEqual({ verb: 'declare', severity: 2, title: 'leak of --private keys', private: false });
    expect(parseCommand('declare sev2 keys leaked --private')).toEqual({ verb: 'declare', severity: 2, title: 'keys leaked', private: true });
    expect(parseCommand('declare sev2 --private-keys leaked')).toMatchObject({ title: '--private-keys leaked', private: false });
    expect(parseCommand('declare --private')).toEqual({ verb: 'declare', private: true });
    expect(refusal('declare sev2 --private').message).toContain('title is empty');
  });

  it('--public on update leads the text (with or without a status) or ends it; inside the text it is text', () => {
    expect(parseCommand('update --public identified LB failing')).toMatchObject({ status: 'identified', public: true, text: 'LB failing' });
    expect(parseCommand('update --public LB failing')).toMatchObject({ status: undefined, public: true, text: 'LB failing' });
    expect(parseCommand('update identified LB failing --public')).toMatchObject({ status: 'identified', public: true, text: 'LB failing' });
    expect(parseCommand('update investigating why the --public flag leaked drafts')).toMatchObject({ status: 'investigating', public: false, text: 'why the --public flag leaked drafts' });
  });

  it('declare alone asks for the form', () => {
    expect(parseCommand('declare')).toEqual({ verb: 'declare', private: false });
  });

  it('refuses an unknown severity with the usage line', () => {
    const e = refusal('declare sev9 Lagos down');
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain('Unknown severity `sev9`');
    expect(e.usage).toMatch(/^\/dr declare <sev1\|sev2\|sev3\|sev4> <title>/);
  });

  it('refuses an empty title and a 2,000 character title', () => {
    expect(refusal('declare sev1   ').message).toContain('title is empty');
    const long = refusal(`declare sev1 ${'x'.repeat(2000)}`);
    expect(long.message).toContain(`2000 characters; keep it to ${TITLE_MAX}`);
  });

  it('refuses an unknown subcommand and points to help', () => {
    const e = refusal('explode now');
    expect(e.message).toBe('Unknown command `explode`. Try `/dr help`.');
  });

  it('takes an optional INC id, a status and --public on update', () => {
    expect(parseCommand('update INC-12 identified --public LB health checks failing')).toEqual({
      verb: 'update', ref: 12, status: 'identified', public: true, text: 'LB health checks failing',
    });
    expect(parseCommand('update still looking')).toEqual({ verb: 'update', ref: undefined, status: undefined, public: false, text: 'still looking' });
  });

  it('parses sev, assign, resolve, cancel, reopen', () => {
    expect(parseCommand('sev 2 only Lagos affected')).toMatchObject({ verb: 'sev', severity: 2, reason: 'only Lagos affected' });
    expect(parseCommand('assign INC-3 <@U0ABC|alice> comms')).toEqual({ verb: 'assign', ref: 3, user: 'U0ABC', role: 'comms' });
    expect(parseCommand('assign @U0ABC scribe')).toMatchObject({ user: 'U0ABC', role: 'scribe' });
    expect(parseCommand('resolve failover done')).toMatchObject({ verb: 'resolve', summary: 'failover done' });
    expect(parseCommand('cancel probe misfired')).toMatchObject({ verb: 'cancel', reason: 'probe misfired' });
    expect(parseCommand('reopen INC-4')).toEqual({ verb: 'reopen', ref: 4, reason: undefined });
  });

  it('refuses a sev without reason, an assign without a mention or with a bad role', () => {
    expect(refusal('sev 1').message).toContain('reason is empty');
    expect(refusal('sev 7 because').message).toContain('Unknown severity `7`');
    expect(refusal('assign alice commander').message).toContain('Mention the person');
    expect(refusal('assign <@U0ABC> boss').message).toContain('commander, comms, scribe');
    expect(refusal('resolve').message).toContain('summary is empty');
  });

  it('keeps mention markup in titles as plain text (escaping is the transport\'s job)', () => {
    expect(parseCommand('declare sev2 <!channel> DB down')).toMatchObject({ title: '<!channel> DB down' });
  });

  it('strips control characters', () => {
    expect(parseCommand('declare sev2 DB\u0000 down\u0007 now')).toMatchObject({ title: 'DB down now' });
  });

  it('parses user mentions', () => {
    expect(parseUserMention('<@U123ABC>')).toBe('U123ABC');
    expect(parseUserMention('<@W9|bob>')).toBe('W9');
    expect(parseUserMention('<!channel>')).toBeUndefined();
  });

  describe('due dates on /dr action', () => {
    const action = (due: string) => parseCommand(`action Automate the Abuja promotion due:${due}`);

    it('takes a real calendar day, Feb 29 in a leap year included', () => {
      expect(action('2026-12-01')).toEqual({ verb: 'action', ref: undefined, owner: undefined, due: '2026-12-01', text: 'Automate the Abuja promotion' });
      expect(action('2028-02-29')).toMatchObject({ due: '2028-02-29' });
      // 2000 is a leap year (divisible by 400).
      expect(action('2000-02-29')).toMatchObject({ due: '2000-02-29' });
    });

    it('refuses a day the month does not have, in words (Date.parse would roll it into March)', () => {
      const e = refusal('action Automate the Abuja promotion due:2026-02-30');
      expect(e.code).toBe('USAGE');
      expect(e.message).toBe('`2026-02-30` is not a date: February 2026 has 28 days. Write due:YYYY-MM-DD, e.g. due:2026-12-01.');
      expect(refusal('action x due:2026-02-29').message).toContain('February 2026 has 28 days');
      // 1900 is not a leap year (divisible by 100, not by 400).
      expect(refusal('action x due:1900-02-29').message).toContain('February 1900 has 28 days');
      expect(refusal('action x due:2026-04-31').message).toContain('April 2026 has 30 days');
      expect(refusal('action x due:2026-01-00').message).toContain('January 2026 has 31 days');
    });

    it('refuses a month 13, a year 0 and what is not a date at all', () => {
      expect(refusal('action x due:2026-13-01').message).toBe('`2026-13-01` is not a date: there is no month 13 (months go from 01 to 12). Write due:YYYY-MM-DD, e.g. due:2026-12-01.');
      expect(refusal('action x due:2026-00-10').message).toContain('there is no month 0');
      expect(refusal('action x due:0000-01-01').message).toContain('there is no year 0');
      expect(refusal('action x due:tomorrow').message).toBe('`tomorrow` is not a date. Write due:YYYY-MM-DD, e.g. due:2026-12-01.');
      expect(refusal('action x due:2026-2-3').message).toContain('is not a date');
    });

    it('agrees with the calendar on every day of a leap and a common year', () => {
      for (const year of [2026, 2028]) {
        for (let day = new Date(Date.UTC(year, 0, 1)); day.getUTCFullYear() === year; day = new Date(day.getTime() + 86_400_000)) {
          expect(calendarDateProblem(day.toISOString().slice(0, 10))).toBeUndefined();
        }
      }
    });
  });
});
