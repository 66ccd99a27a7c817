import { describe, expect, it } from 'vitest';
import { checkParams, checkRunLimits, clip, describeAction, fill, placeholders, planRun, redact, RunRefused, type PastRun, type Runbook } from '../../src/core/runbook.ts';
import { nextAction } from '../../src/service/runbooks/steps.ts';

const rb = (over: Partial<Runbook> = {}): Runbook => ({
  name: 'regional-failover', description: 'd', tier: 'T2', trigger: [], approvers: ['admin'], notify: ['slack'], file: 'commands/regional-failover.yml',
  parameters: [
    { name: 'region', type: 'string', allowed: ['abuja', 'asaba'], default: 'abuja' },
    { name: 'zone', type: 'string', pattern: 'Z[A-Z0-9]+' },
    { name: 'replicas', type: 'integer', min: 2, max: 10, default: '4' },
  ],
  preconditions: [], verification: [], rollback: [],
  steps: [{ kind: 'exec', label: 'Scale in {{region}}', argv: ['kubectl', 'scale', '--replicas={{replicas}}', '--context', '{{region}}'], timeoutMs: 30_000, expect: 'success', attempts: 1, intervalMs: 0 }],
  timeoutMs: 60_000, cooldownMs: 300_000, maxAttempts: 2, expiresMs: 1_800_000,
  ...over,
});

function refusal(fn: () => unknown): RunRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof RunRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('parameters from Slack are checked before anything else', () => {
  it('fills defaults and keeps the runbook\'s order', () => {
    expect(checkParams(rb(), { zone: 'Z0ABC', region: 'asaba' })).toEqual({ region: 'asaba', zone: 'Z0ABC', replicas: '4' });
  });

  it.each([
    [{ zone: 'Z0ABC', region: 'eu;rm' }, 'Refused, nothing was run: `region` must be one of abuja, asaba (got "eu;rm")'],
    [{ zone: 'Z0ABC;reboot' }, '`zone` must match Z[A-Z0-9]+ (got "Z0ABC;reboot")'],
    [{ zone: 'xZ0ABC' }, '`zone` must match Z[A-Z0-9]+'], // the pattern must match the whole value
    [{ zone: 'Z0ABC', replicas: '11' }, '`replicas` must be at most 10 (got 11)'],
    [{ zone: 'Z0ABC', replicas: '4 ' }, '`replicas` must be a whole number'],
    [{ zone: 'Z0ABC', replicas: '1e3' }, '`replicas` must be a whole number'],
    [{}, 'regional-failover needs `zone=value`'],
    [{ zone: 'Z0ABC', regoin: 'abuja' }, 'regional-failover has no parameter `regoin` (it takes: region, zone, replicas)'],
  ])('%j is refused', (typed, message) => {
    const e = refusal(() => checkParams(rb(), typed as Record<string, string>));
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain(message);
  });

  it('whatever the runbook allows, a value cannot start with - or hold shell or URL characters', () => {
    const loose = rb({ parameters: [{ name: 'arg', type: 'string', pattern: '[\\s\\S]*' }] });
    for (const v of ['-rf', '--kubeconfig=/etc/x', 'a b', 'a;b', '$(id)', '`id`', 'a|b', 'a&b', '../x?y#z', 'a\nb', 'x'.repeat(129)]) {
      expect(refusal(() => checkParams(loose, { arg: v })).message).toContain('may hold only letters, digits and . _ : @ + / - and must not start with -');
    }
    expect(checkParams(loose, { arg: 'deployment/web:v1.2@x+y' })).toEqual({ arg: 'deployment/web:v1.2@x+y' });
  });
});

describe('planning a run', () => {
  it('fills {{param}} in labels, argv elements and bodies, never anything else', () => {
    expect(placeholders({ a: ['x {{ region }}', { b: '{{zone}}' }], c: 5 })).toEqual(['region', 'zone']);
    expect(fill({ argv: ['--context', '{{region}}'], n: 1, body: { to: 'dc-{{region}}' } }, { region: 'abuja' })).toEqual({ argv: ['--context', 'abuja'], n: 1, body: { to: 'dc-abuja' } });
    const plan = planRun(rb(), { region: 'asaba', zone: 'Z0', replicas: '6' });
    expect(plan.steps[0]).toMatchObject({ label: 'Scale in asaba', argv: ['kubectl', 'scale', '--replicas=6', '--context', 'asaba'] });
    expect(describeAction(plan.steps[0])).toBe('run kubectl scale --replicas=6 --context asaba');
    expect(describeAction({ kind: 'exec', label: 'q', argv: ['ysqlsh', '-c', 'SELECT 1'], timeoutMs: 1, expect: 'failure', attempts: 1, intervalMs: 0 })).toBe('run ysqlsh -c "SELECT 1" (must fail)');
  });

  it('walks the phases in order: preconditions, steps, verification', () => {
    const a = rb().steps[0];
    const plan = { pre: [a], steps: [a, a], verify: [], undo: [] };
    expect(nextAction(plan, undefined, 0)).toEqual({ phase: 'pre', idx: 0 });
    expect(nextAction(plan, 'pre', 0)).toEqual({ phase: 'steps', idx: 0 });
    expect(nextAction(plan, 'steps', 0)).toEqual({ phase: 'steps', idx: 1 });
    expect(nextAction(plan, 'steps', 1)).toBeUndefined();
    expect(nextAction({ pre: [], steps: [], verify: [a], undo: [] }, undefined, 0)).toEqual({ phase: 'verify', idx: 0 });
  });
});

describe('cooldown and max attempts (VoxGuard DR plan, "Automated Runbook Execution"), per runbook and target', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const abuja = { region: 'abuja' };
  const past = (o: Partial<PastRun>): PastRun => ({ id: 1, incidentId: 1, status: 'succeeded', requestedAt: new Date('2026-11-24T09:00:00Z'), startedAt: null, params: abuja, changed: true, ...o });
  const fmt = (d: Date) => d.toISOString().slice(11, 16);
  const check = (runs: PastRun[], incident = 1, params: Record<string, string> = abuja) => checkRunLimits(rb(), runs, incident, params, now, fmt);

  it('one open run per target, and the refusal says where the open one is', () => {
    expect(refusal(() => check([past({ status: 'awaiting_approval', id: 7 })])).message)
      .toBe('regional-failover region=abuja is already requested in this incident: run #7, awaiting approval since 09:00.');
    expect(refusal(() => check([past({ status: 'awaiting_approval', id: 8, incidentId: 2 })])).message)
      .toBe('regional-failover region=abuja is already requested in INC-2: run #8, awaiting approval since 09:00.');
    expect(() => check([past({ status: 'awaiting_approval', params: { region: 'lagos' } })])).not.toThrow();
  });

  it('max attempts per incident and target; denied, expired and dry runs do not count', () => {
    expect(refusal(() => check([past({}), past({ id: 2, status: 'failed' })])).message).toContain('has already run 2 time(s) in this incident (max_attempts 2)');
    expect(() => check([past({}), past({ id: 2, status: 'denied' }), past({ id: 3, status: 'expired' }), past({ id: 4, status: 'dry_run' })])).not.toThrow();
    expect(() => check([past({}), past({ id: 2, incidentId: 2 })])).not.toThrow();
    expect(() => check([past({}), past({ id: 2 })], 1, { region: 'lagos' })).not.toThrow();
  });

  it('cooldown after the last run of the same target that changed something, counted from when it started', () => {
    const recent = new Date('2026-11-24T09:57:00Z');
    expect(refusal(() => check([past({ startedAt: recent })], 2)).message)
      .toBe('regional-failover region=abuja is cooling down until 10:02 (cooldown after its last run that changed something).');
    expect(() => check([past({ startedAt: new Date('2026-11-24T09:55:00Z') })], 2)).not.toThrow();
    // Another target, or a run stopped by its precondition (nothing changed), starts no cooldown.
    expect(() => check([past({ startedAt: recent })], 2, { region: 'lagos' })).not.toThrow();
    expect(() => check([past({ startedAt: recent, status: 'failed', changed: false })], 2)).not.toThrow();
  });
});

describe('output kept and shown', () => {
  it('masks what looks like a credential', () => {
    const out = redact([
      'token=abc123 PASSWORD: "s3cr3t" api_key=zzz', 'Authorization: Bearer eyJhbGciOi', 'bot xoxb-1-2-abc and AKIAABCDEFGHIJKLMNOP',
      'postgres://yugabyte:hunter2@abuja-yb:5433/voxguard', 'replicas=4 ready',
    ].join('\n'));
    expect(out).toBe([
      'token=[redacted] PASSWORD: [redacted] api_key=[redacted]', 'Authorization: Bearer [redacted]', 'bot xox?-[redacted] and AKIA[redacted]',
      'postgres://yugabyte:[redacted]@abuja-yb:5433/voxguard', 'replicas=4 ready',
    ].join('\n'));
  });

  it('clips and says how much was cut', () => {
    expect(clip('abcdef', 4)).toBe('abcd… [2 more characters]');
    expect(clip('abc', 4)).toBe('abc');
  });
});
