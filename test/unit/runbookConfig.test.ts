import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { testConfigDir } from '../helpers/configDir.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problems(edits: Record<string, (d: Doc) => Doc | void>, raw?: { file: string; text: string }): string[] {
  const dir = testConfigDir(edits);
  if (raw) writeFileSync(join(dir, raw.file), raw.text);
  try {
    loadConfig(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('commands/*.yml: the shipped runbooks', () => {
  it('load, with the seeds\' tiers, triggers, approvers, cooldowns and limits', () => {
    const { runbooks } = loadConfig();
    const summary = Object.fromEntries(runbooks.map((r) => [r.name, [r.tier, r.trigger, r.approvers, r.cooldownMs / 60_000, r.maxAttempts]]));
    expect(summary).toEqual({
      'database-failover': ['T2', ['primary_db_unreachable'], ['admin'], 30, 1],
      'dns-failover': ['T2', ['LagosPrimaryDown'], ['admin'], 15, 2],
      'regional-failover': ['T2', ['region_unreachable'], ['admin', 'cto'], 60, 1],
      'scale-up': ['T1', ['high_cpu_utilization'], ['oncall'], 10, 3],
      'service-restart': ['T0', ['pod_crash_loop'], [], 5, 3],
    });
    const dns = runbooks.find((r) => r.name === 'dns-failover')!;
    expect(dns.healthQuorum).toEqual({ required: 2, checks: [{ id: '3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c', signalClass: 'route53' }, { id: '9b7d2c10-5e4f-4a3b-8c21-6f0e9d8c7b6a', signalClass: 'synthetic' }] });
    expect(dns.steps[0]).toMatchObject({ kind: 'route53', zone: 'Z0VOXGUARD0NG', name: '{{name}}', from: '{{from}}', to: '{{to}}', timeoutMs: 300_000, pollMs: 5_000 });
    expect(dns.notify).toEqual(['slack', 'pagerduty', 'email']);
    const db = runbooks.find((r) => r.name === 'database-failover')!;
    expect(db.preconditions[0]).toMatchObject({ kind: 'exec', argv: ['ysqlsh', '-h', 'lagos-yb', '-c', 'SELECT 1'], expect: 'failure' });
  });
});

describe('a broken runbook file is refused with its path, the field and what was expected', () => {
  it.each<[string, Record<string, (d: Doc) => Doc | void>, string]>([
    ['an unknown tier', { 'commands/dns-failover.yml': (d) => void (d.tier = 'T3') }, 'commands/dns-failover.yml: tier: expected one of "T0", "T1", "T2" (got "T3")'],
    ['an unknown approver group', { 'commands/dns-failover.yml': (d) => void (d.approvers = ['admins']) }, 'commands/dns-failover.yml: approvers[0]: unknown contact group "admins" (expected a key under groups: in contacts.yml)'],
    ['a T2 runbook nobody can approve', { 'commands/dns-failover.yml': (d) => void (d.approvers = []) }, 'commands/dns-failover.yml: approvers: a T2 runbook needs at least one approver group'],
    ['a command line instead of an argv list', { 'commands/service-restart.yml': (d) => void (d.steps[0].exec = 'kubectl rollout restart deployment/{{deployment}}') }, 'commands/service-restart.yml: steps[0].exec: Invalid input: expected array, received string'],
    ['a parameter in the program name', { 'commands/service-restart.yml': (d) => void (d.steps[0].exec = ['{{deployment}}', 'x']) }, 'commands/service-restart.yml: steps[0].exec: the program (first element) is fixed; parameters may only be arguments'],
    ['an undeclared parameter', { 'commands/service-restart.yml': (d) => void d.steps[0].exec.push('--context={{region}}') }, 'commands/service-restart.yml: steps[0]: uses {{region}}, which is not under parameters:'],
    ['a string parameter with nothing to check it against', { 'commands/scale-up.yml': (d) => void delete d.parameters.deployment.allowed }, 'commands/scale-up.yml: parameters.deployment: expected allowed: or pattern: (a string parameter from Slack must be checked against something)'],
    ['a default that is not allowed', { 'commands/scale-up.yml': (d) => void (d.parameters.replicas.default = 50) }, 'commands/scale-up.yml: parameters.replicas.default: `replicas` must be at most 10 (got 50)'],
    ['a parameter in a URL', { 'commands/scale-up.yml': (d) => void d.steps.push({ label: 'hook', http: { url: 'https://deploy.example/{{deployment}}' } }) }, 'commands/scale-up.yml: steps[1].http.url: the URL is fixed: parameters go in the body, never in the URL'],
    ['a command longer than a lease', { 'commands/scale-up.yml': (d) => void (d.steps[0].timeout = '5m') }, 'commands/scale-up.yml: steps[0].timeout: expected at most 45s'],
    ['two kinds in one action', { 'commands/scale-up.yml': (d) => void (d.steps[0].health_check = 'abc') }, 'commands/scale-up.yml: steps[0]: expected exactly one of route53, http, exec, health_check (got exec and health_check)'],
    ['a bad duration', { 'commands/scale-up.yml': (d) => void (d.cooldown = '10 minutes') }, 'commands/scale-up.yml: cooldown: expected a duration like 30s, 5m, 1h or 2d (got "10 minutes")'],
    ['a misspelt field', { 'commands/scale-up.yml': (d) => void (d.max_attempt = 3) }, 'commands/scale-up.yml: (top level): unknown field "max_attempt" (check the spelling)'],
    ['a name that is not the file name', { 'commands/scale-up.yml': (d) => void (d.name = 'scale-out') }, 'commands/scale-up.yml: name: expected "scale-up" (the file name), got "scale-out"'],
    ['a bad zone id', { 'commands/dns-failover.yml': (d) => void (d.steps[0].route53.zone = 'voxguard.ng') }, 'commands/dns-failover.yml: steps[0].route53.zone: expected a Route 53 hosted zone id like Z0123456789ABC'],
    ['a quorum larger than its classes', { 'commands/dns-failover.yml': (d) => void (d.health_quorum.required = 4) }, 'commands/dns-failover.yml: health_quorum.required: expected at most 3 (the distinct check classes, plus alerts)'],
    ['a bad regular expression', { 'commands/scale-up.yml': (d) => void (d.parameters.deployment = { pattern: '([a-z' }) }, 'commands/scale-up.yml: parameters.deployment.pattern: not a valid regular expression'],
  ])('%s', (_what, edits, expected) => {
    expect(problems(edits).some((p) => p.startsWith(expected)), problems(edits).join('\n')).toBe(true);
  });

  it('a file that is not YAML', () => {
    expect(problems({}, { file: 'commands/broken.yml', text: 'name: broken\n  tier: [T0' })[0]).toMatch(/^commands\/broken\.yml: not valid YAML: /);
  });
});
