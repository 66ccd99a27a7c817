import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
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

  it('contacts: unknown people in a group, bad emails and Slack ids, unknown fields', () => {
    const dir = testConfigDir({
      'contacts.yml': (d) => {
        d.groups.oncall.members = ['ada', 'zed'];
        d.people.ada.email = 'not-an-email';
        d.people.tunde.slack = 'tunde';
        d.people.ngozi.phone = '+234';
      },
    });
    const p = problems(() => loadConfig(dir));
    expect(p).toContain('contacts.yml: people.ada.email: expected an email address');
    expect(p).toContain('contacts.yml: people.tunde.slack: expected a Slack user id like U012AB3CD');
    expect(p).toContain('contacts.yml: people.ngozi: unknown field "phone" (check the spelling)');
  });

  it('malformed YAML and a missing file', () => {
    const dir = testConfigDir();
    writeFileSync(join(dir, 'drbot.yml'), 'channels: [unclosed\n');
    writeFileSync(join(dir, 'contacts.yml'), '');
    const p = problems(() => loadConfig(dir));
    expect(p.some((x) => x.startsWith('drbot.yml: not valid YAML:'))).toBe(true);
    expect(problems(() => loadConfig('/nonexistent-drbot-config'))).toContain('drbot.yml: file not found (expected it in the config folder /nonexistent-drbot-config)');
  });
});

describe('the environment is validated at start-up', () => {
  it('refuses half-configured integrations and bad values, naming the variable', () => {
    expect(problems(() => readEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' }))).toEqual(['environment: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode): set one of them']);
    expect(problems(() => readEnv({ GITHUB_REPO: 'not a repo' }))[0]).toBe('environment: GITHUB_REPO: expected owner/name');
    expect(problems(() => readEnv({ SLACK_API_URL: 'nope' }))[0]).toMatch(/^environment: SLACK_API_URL: /);
  });

  it('defaults everything for a first run', () => {
    expect(readEnv({})).toMatchObject({ PORT: 3000, DRBOT_DATA_DIR: './.drbot', SLACK_API_URL: 'https://slack.com/api/', DRBOT_CONSOLE: 'auto' });
  });
});
