import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import { yamlProblem } from '../../src/config/readYaml.ts';
import { testConfigDir } from '../helpers/configDir.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('accepted');
}

describe('the config folder is validated at start-up', () => {
  it('the shipped config loads', () => {
    const c = loadConfig(testConfigDir());
    expect(c.chains[1].map((s) => s.id)).toEqual(['page-oncall', 'slack-engineering', 'email-leads', 'war-room', 'email-regulator', 'status-page']);
    expect(c.chains[1].find((s) => s.id === 'email-regulator')).toMatchObject({ atMs: 30 * 60_000, when: 'compliance_impact', params: { to: ['ncc-liaison'], template: 'regulator' } });
    expect(c.settings.severities[1]).toMatchObject({ responseSlaMs: 15 * 60_000, updateCadenceMs: 30 * 60_000 });
    expect(c.settings.severities[4].updateCadenceMs).toBeUndefined();
  });

  it('a broken chain file: unknown step kind, bad duration, unknown contact group, duplicate id, unknown template', () => {
    const dir = testConfigDir({
      'notifications/sev2.yml': () => ({
        steps: [
          { id: 'page-oncall', at: '0s', kind: 'page', to: 'nobody' },
          { id: 'x', at: '5 minutes', kind: 'slack', channel: 'engineering', template: 'initial-notification' },
          { id: 'y', at: '5m', kind: 'fax', to: 'cto' },
        ],
      }),
      'notifications/sev3.yml': () => ({ steps: [
        { id: 'alerts', at: '0s', kind: 'slack', channel: 'alerts', template: 'alert' },
        { id: 'alerts', at: '1m', kind: 'ticket' },
      ] }),
    });
    const p = problems(() => loadConfig(dir));
    expect(p).toContain('notifications/sev2.yml: steps[1].at: expected a duration like 30s, 5m, 1h or 2d (got "5 minutes")');
    expect(p).toContain('notifications/sev2.yml: steps[2].kind: unknown step kind: expected page, slack, email, war_room, statuspage, ticket, check_assigned or reminder');
    expect(p).toContain('notifications/sev3.yml: steps[1].id: duplicate step id "alerts"');
  });

  it('references across files are checked: groups and templates', () => {
    const dir = testConfigDir({
      'notifications/sev2.yml': () => ({ steps: [
        { id: 'page-oncall', at: '0s', kind: 'page', to: 'nobody' },
        { id: 'slack', at: '1m', kind: 'slack', channel: 'engineering', template: 'no-such-template' },
        { id: 'remind', at: '1m', kind: 'reminder', channel: 'alerts', text: 'ETA {{incident.eta}}' },
      ] }),
      'drbot.yml': (d) => {
        d.severities.sev1.responders = ['oncall', 'ghosts'];
      },
    });
    const p = problems(() => loadConfig(dir));
    expect(p).toContain('notifications/sev2.yml: steps[0].to: unknown contact group "nobody" (expected a key under groups: in contacts.yml)');
    expect(p).toContain('notifications/sev2.yml: steps[1].template: no template templates/slack/no-such-template.hbs');
    expect(p).toContain('notifications/sev2.yml: steps[2].text: uses the field "incident.eta", which drbot does not provide');
    expect(p).toContain('drbot.yml: severities.sev1.responders[1]: unknown contact group "ghosts" (expected a key under groups: in contacts.yml)');
  });

  it('a template naming a field drbot does not have is refused, naming the file and the field', () => {
    const dir = testConfigDir();
    writeFileSync(join(dir, 'templates/slack/alert.hbs'), '*{{incident.title}}* owner {{incident.owner}}');
    expect(problems(() => loadConfig(dir))).toContain('templates/slack/alert.hbs: uses the field "incident.owner", which drbot does not provide (see README "Templates" for the fields)');
  });

  it('a template the Handlebars compiler refuses (the parser takes it) is refused at load, not at an incident\'s first step', () => {
    const dir = testConfigDir();
    writeFileSync(join(dir, 'templates/slack/alert.hbs'), '*{{incident.title}}* {{> footer incident.title incident.severity}}');
    expect(problems(() => loadConfig(dir)).join('\n')).toContain('templates/slack/alert.hbs: not valid Handlebars: Unsupported number of partial arguments: 2');
  });

  it('contacts: unknown people in a group, bad emails and Slack ids, unknown fields', () => {
    const dir = testConfigDir({
      'contacts.yml': (d) => {
        d.groups.oncall.members = ['ada', 'zed'];
        d.people.ada.email = 'not-an-email';
        d.people.tunde.slack = 'tunde';
        d.people.ngozi.phone = '+234';
        d.people.emeka.fax = '+234 803 000 0000';
      },
    });
    const p = problems(() => loadConfig(dir));
    expect(p).toContain('contacts.yml: people.ada.email: expected an email address');
    expect(p).toContain('contacts.yml: people.tunde.slack: expected a Slack user id like U012AB3CD');
    expect(p).toContain('contacts.yml: people.ngozi.phone: expected a phone number such as +234 803 000 0000');
    expect(p).toContain('contacts.yml: people.emeka: unknown field "fax" (check the spelling)');
  });

  it('malformed YAML and a missing file', () => {
    const dir = testConfigDir();
    writeFileSync(join(dir, 'drbot.yml'), 'channels: [unclosed\n');
    writeFileSync(join(dir, 'contacts.yml'), '');
    const p = problems(() => loadConfig(dir));
    expect(p.some((x) => x.startsWith('drbot.yml: not valid YAML: line 2, column 1 (at the end of the file): Flow sequence'))).toBe(true);
    expect(problems(() => loadConfig('/nonexistent-drbot-config'))).toContain('drbot.yml: file not found (expected it in the config folder /nonexistent-drbot-config)');
  });
});

describe('a YAML syntax error', () => {
  it('names the file, the line and column, the parser\'s message, and shows the line with a caret', () => {
    const dir = testConfigDir();
    const lines = readFileSync(join(dir, 'drbot.yml'), 'utf8').split('\n');
    // An unclosed flow sequence: the parser notices on the next line.
    const at = lines.findIndex((l) => /^\s+engineering:/.test(l));
    lines[at] = lines[at].replace(/engineering:.*/, 'engineering: [eng');
    writeFileSync(join(dir, 'drbot.yml'), lines.join('\n'));
    const [p] = problems(() => loadConfig(dir));
    const n = at + 2;
    const w = String(n).length;
    expect(p).toBe([
      `drbot.yml: not valid YAML: line ${n}, column ${lines[n - 1].search(/\S/) + 1}: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${String(n - 1).padStart(w)} | ${lines[n - 2]}`,
      `${String(n).padStart(w)} | ${lines[n - 1]}`,
      `${' '.repeat(w)} | ${' '.repeat(lines[n - 1].search(/\S/))}^`,
    ].join('\n'));
    // Nothing ends in a dangling "at line 11, column 1:".
    expect(p).not.toMatch(/column \d+:\s*$/m);
  });

  it('keeps tabs under the line so the caret lines up, and says when the error is at the end', () => {
    expect(yamlProblem('x.yml', 'a:\n\tb: [1', 'Tabs are not allowed as indentation', { line: 2, col: 2 })).toBe('x.yml: not valid YAML: line 2, column 2: Tabs are not allowed as indentation\n1 | a:\n2 | \tb: [1\n  | \t^');
    expect(yamlProblem('x.yml', 'a: "open\n', 'Missing closing "quote', { line: 2, col: 1 })).toBe('x.yml: not valid YAML: line 2, column 1 (at the end of the file): Missing closing "quote\n1 | a: "open\n2 |\n  | ^');
  });

  it('is said in one line when it is the only problem, with its excerpt under it', () => {
    const e = new ConfigError('CONFIG_INVALID', ['x.yml: not valid YAML: line 1, column 1: bad\n1 | ]\n  | ^']);
    expect(e.message).toBe('drbot cannot start: x.yml: not valid YAML: line 1, column 1: bad\n  1 | ]\n    | ^');
    expect(new ConfigError('CONFIG_INVALID', ['one', 'two']).message).toBe('drbot cannot start: the configuration is broken.\n  - one\n  - two');
  });
});

describe('the environment is validated at start-up', () => {
  const problem = (env: Record<string, string>) => {
    const p = problems(() => readEnv(env));
    expect(p).toHaveLength(1);
    return p[0];
  };

  it('refuses half-configured integrations and bad values, naming the variable', () => {
    expect(problems(() => readEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' }))).toEqual(['environment: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode): set one of them']);
    expect(problem({ GITHUB_REPO: 'not a repo' })).toBe('environment: GITHUB_REPO must be owner/name (got "not a repo")');
    expect(problem({ SLACK_API_URL: 'nope' })).toBe('environment: SLACK_API_URL must be an http:// or https:// URL (got "nope")');
    expect(problem({ PAGERDUTY_EVENTS_URL: 'events.pagerduty.com' })).toBe('environment: PAGERDUTY_EVENTS_URL must be an http:// or https:// URL (got "events.pagerduty.com")');
  });

  it('PORT: a whole number from 0 to 65535, said with what it got', () => {
    expect(problem({ PORT: 'abc' })).toBe('environment: PORT must be a whole number from 0 to 65535 (got "abc")');
    for (const bad of ['70000', '-1', '3000.5']) expect(problem({ PORT: bad })).toBe(`environment: PORT must be a whole number from 0 to 65535 (got "${bad}")`);
    expect(readEnv({ PORT: '8080' }).PORT).toBe(8080);
    expect(readEnv({ PORT: '0' }).PORT).toBe(0);
  });

  it('DATABASE_URL: a postgres:// or postgresql:// URL with a host, its password masked in the message', () => {
    expect(problem({ DATABASE_URL: 'postgres//nohost' })).toBe('environment: DATABASE_URL must be a postgres:// or postgresql:// URL with a host (got "postgres//nohost")');
    const mysql = problem({ DATABASE_URL: 'mysql://drbot:hunter2@db.internal:3306/drbot' });
    expect(mysql).toBe('environment: DATABASE_URL must be a postgres:// or postgresql:// URL with a host (got "mysql://drbot:****@db.internal:3306/drbot")');
    expect(problem({ DATABASE_URL: 'postgres//drbot:hunter2@db' })).toContain('(got "postgres//drbot:****@db")');
    expect(problem({ DATABASE_URL: 'postgres:///drbot?user=x&password=hunter2' })).toContain('password=****');
    // Not a URL at all (a password pasted in the wrong place?): not echoed.
    expect(problem({ DATABASE_URL: 'hunter2' })).toBe('environment: DATABASE_URL must be a postgres:// or postgresql:// URL with a host');
    for (const good of ['postgres://drbot:pw@db.internal:5432/drbot', 'postgresql://localhost/drbot', 'postgres:///drbot?host=/run/postgresql', 'postgres://drbot:pw@/drbot?host=/tmp', 'postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dx']) {
      expect(readEnv({ DATABASE_URL: good }).DATABASE_URL).toBe(good);
    }
  });

  it('REDIS_URL: redis:// or rediss://', () => {
    expect(problem({ REDIS_URL: 'http://cache.internal:6379' })).toBe('environment: REDIS_URL must be a redis:// or rediss:// URL (got "http://cache.internal:6379/")');
    expect(problem({ REDIS_URL: 'http://:s3cret@cache.internal:6379' })).not.toContain('s3cret');
    for (const good of ['redis://127.0.0.1:6379', 'rediss://:pw@cache.internal:6380/0']) expect(readEnv({ REDIS_URL: good }).REDIS_URL).toBe(good);
  });

  it('never echoes a token', () => {
    const p = problem({ SLACK_BOT_TOKEN: 'abc-very-secret-token', SLACK_SIGNING_SECRET: '0123456789abcdef' });
    expect(p).toBe('environment: SLACK_BOT_TOKEN must start with xox (a bot token, xoxb-…)');
    expect(problem({ DRBOT_ALERTS_TOKEN: 'short-secret' })).toBe('environment: DRBOT_ALERTS_TOKEN must be at least 16 characters');
  });

  it('one bad variable is one line after "drbot cannot start:"', () => {
    try {
      readEnv({ PORT: 'abc' });
    } catch (e) {
      expect((e as ConfigError).message).toBe('drbot cannot start: environment: PORT must be a whole number from 0 to 65535 (got "abc")');
      return;
    }
    throw new Error('accepted');
  });

  it('defaults everything for a first run', () => {
    expect(readEnv({})).toMatchObject({ PORT: 3000, DRBOT_DATA_DIR: './.drbot', SLACK_API_URL: 'https://slack.com/api/', DRBOT_CONSOLE: 'auto' });
  });
});
