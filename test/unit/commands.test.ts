import { describe, expect, it } from 'vitest';
import { parseCommand, parseUserMention, TITLE_MAX } from '../../src/core/commands.ts';
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
});
