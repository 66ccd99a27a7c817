import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulatedGitHub } from '../../src/adapters/github/simulated.ts';
import { createSimulatedRoute53, type SimulatedRoute53Seed } from '../../src/adapters/route53/simulated.ts';
import { createSimulatedStatusPage } from '../../src/adapters/statuspage/simulated.ts';
import { loadConfig } from '../../src/config/load.ts';
import { dnsSimulationSeed } from '../../src/core/dnsSimulationSeed.ts';
import { describeRecords, planFailover, planRestore } from '../../src/core/failover.ts';
import { ROOT } from '../helpers/paths.ts';

const ZONE = 'Z0VOXGUARD0NG';
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'drbot-sim-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The seed the shipped runbooks give (app wiring builds the same one). */
const seed = (): SimulatedRoute53Seed => dnsSimulationSeed(loadConfig(ROOT).runbooks);

describe('the Route 53 simulation seeded from the shipped runbooks', () => {
  it('holds their records: app.voxguard.ng and its drill twin failover (lagos-primary PRIMARY), api.voxguard.ng weighted (lagos 100, abuja and asaba 0), and their health checks', () => {
    const s = seed();
    expect(describeRecords(s.zones[ZONE])).toEqual([
      'app.voxguard.ng A failover lagos-primary=PRIMARY, abuja-secondary=SECONDARY',
      // dns-failover also allows the drill record (drills/dns-failover-drill.yml), so a drill runs in the simulation too.
      'drill.app.voxguard.ng A failover lagos-primary=PRIMARY, abuja-secondary=SECONDARY',
      'api.voxguard.ng A weighted lagos=100, abuja=0, asaba=0',
    ]);
    expect(s.zones[ZONE].find((r) => r.setIdentifier === 'abuja-secondary')?.healthCheckId).toBe('0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29');
    // The outage the runbooks are written for: the quorum checks fail, the targets are healthy.
    expect(s.healthChecks['3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c'].healthy).toBe(false);
    expect(s.healthChecks['9b7d2c10-5e4f-4a3b-8c21-6f0e9d8c7b6a'].healthy).toBe(false);
    expect(s.healthChecks['0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29'].healthy).toBe(true);
    expect(s.healthChecks['6e1d4c3b-2a1f-4e9d-8c7b-5a4f3e2d1c0b'].healthy).toBe(true);
  });

  it('a PRIMARY/SECONDARY swap is applied in one batch, PENDING then INSYNC, and a rollback restores the snapshot', async () => {
    let t = 1_000;
    const dns = createSimulatedRoute53({ seed: seed(), insyncAfterMs: 1_500, now: () => t });
    expect(dns.simulated).toBe('Route 53 (simulated: no AWS credentials)');
    const live = await dns.listRecordSets(ZONE, 'app.voxguard.ng.');
    const plan = planFailover(live, { from: 'lagos-primary', to: 'abuja-secondary' });
    expect(plan.policy).toBe('failover');
    const c = await dns.changeRecordSets(ZONE, plan.changes, 'failover');
    expect(c.status).toBe('PENDING');
    expect(await dns.getChange(c.changeId)).toBe('PENDING');
    t += 1_500;
    expect(await dns.getChange(c.changeId)).toBe('INSYNC');
    expect(describeRecords(await dns.listRecordSets(ZONE, 'app.voxguard.ng'))).toEqual(['app.voxguard.ng A failover lagos-primary=SECONDARY, abuja-secondary=PRIMARY']);
    // The same batch again is refused whole: its DELETEs no longer match.
    await expect(dns.changeRecordSets(ZONE, plan.changes, 'again')).rejects.toThrow(/InvalidChangeBatch.*lagos-primary.*but the values provided do not match the current values/);

    const back = planRestore(plan.before, await dns.listRecordSets(ZONE, 'app.voxguard.ng'));
    await dns.changeRecordSets(ZONE, back, 'rollback');
    expect(describeRecords(await dns.listRecordSets(ZONE, 'app.voxguard.ng'))).toEqual(['app.voxguard.ng A failover lagos-primary=PRIMARY, abuja-secondary=SECONDARY']);
    expect(await dns.listRecordSets(ZONE, 'app.voxguard.ng')).toEqual(expect.arrayContaining(plan.before));
  });

  it('a weighted shift (lagos 0, asaba 100) is applied and rolled back', async () => {
    const dns = createSimulatedRoute53({ seed: seed() });
    const plan = planFailover(await dns.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'asaba' });
    expect(plan.policy).toBe('weighted');
    await dns.changeRecordSets(ZONE, plan.changes, 'shift');
    expect(describeRecords(await dns.listRecordSets(ZONE, 'api.voxguard.ng'))).toEqual(['api.voxguard.ng A weighted lagos=0, abuja=0, asaba=100']);
    await dns.changeRecordSets(ZONE, planRestore(plan.before, await dns.listRecordSets(ZONE, 'api.voxguard.ng')), 'rollback');
    expect(describeRecords(await dns.listRecordSets(ZONE, 'api.voxguard.ng'))).toEqual(['api.voxguard.ng A weighted lagos=100, abuja=0, asaba=0']);
  });

  it('refuses, like Route 53, a DELETE whose values differ, a DELETE of nothing, a CREATE of what exists — and applies nothing of such a batch', async () => {
    const dns = createSimulatedRoute53({ seed: seed() });
    const [lagos] = (await dns.listRecordSets(ZONE, 'api.voxguard.ng')).filter((s) => s.setIdentifier === 'lagos');
    const before = await dns.listRecordSets(ZONE, 'api.voxguard.ng');
    await expect(dns.changeRecordSets(ZONE, [
      { action: 'DELETE', recordSet: { ...lagos, weight: 50 } },
      { action: 'CREATE', recordSet: { ...lagos, weight: 0 } },
    ], 'stale')).rejects.toThrow("Route 53 InvalidChangeBatch: [Tried to delete resource record set [name='api.voxguard.ng.', type='A', set-identifier='lagos'] but the values provided do not match the current values");
    await expect(dns.changeRecordSets(ZONE, [{ action: 'DELETE', recordSet: { ...lagos, setIdentifier: 'kano' } }], 'x')).rejects.toThrow(/set-identifier='kano'\] but it was not found/);
    await expect(dns.changeRecordSets(ZONE, [{ action: 'CREATE', recordSet: lagos }], 'x')).rejects.toThrow(/but it already exists/);
    await expect(dns.changeRecordSets(ZONE, [], 'x')).rejects.toThrow(/empty change batch/);
    await expect(dns.listRecordSets('ZNOSUCHZONE', 'api.voxguard.ng')).rejects.toThrow(/NoSuchHostedZone/);
    expect(await dns.listRecordSets(ZONE, 'api.voxguard.ng')).toEqual(before);
  });

  it('health checks report what the seed (or the state file) says, from three checker regions', async () => {
    const dir = tempDir();
    const file = join(dir, 'simulated-route53.json');
    const dns = createSimulatedRoute53({ seed: seed(), file });
    expect(await dns.healthCheckStatus('0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29')).toEqual({ healthy: true, observations: expect.arrayContaining([{ region: 'eu-west-1', status: expect.stringMatching(/^Success/) }]) });
    expect((await dns.healthCheckStatus('3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c')).healthy).toBe(false);
    await expect(dns.healthCheckStatus('nope')).rejects.toThrow(/NoSuchHealthCheck/);
    // A person edits the file: a restart reads it, and keeps the changes made before.
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.healthChecks['3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c'].healthy = true;
    const plan = planFailover(await dns.listRecordSets(ZONE, 'app.voxguard.ng'), { from: 'lagos-primary', to: 'abuja-secondary' });
    const { changeId } = await dns.changeRecordSets(ZONE, plan.changes, 'failover');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.healthChecks = state.healthChecks;
    writeFileSync(file, JSON.stringify(saved));
    const again = createSimulatedRoute53({ seed: seed(), file, insyncAfterMs: 0 });
    expect((await again.healthCheckStatus('3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c')).healthy).toBe(true);
    expect(await again.getChange(changeId)).toBe('INSYNC');
    expect(describeRecords(await again.listRecordSets(ZONE, 'app.voxguard.ng'))).toEqual(['app.voxguard.ng A failover lagos-primary=SECONDARY, abuja-secondary=PRIMARY']);
  });
});

describe('the GitHub simulation: files under the data dir, idempotent like GitHub', () => {
  it('an issue is found again by its marker, a pull request by its branch; numbers are shared and stable across a restart', async () => {
    const dir = join(tempDir(), 'simulated-github');
    const gh = createSimulatedGitHub({ dir });
    const a = await gh.ensureIssue({ marker: 'drbot:INC-1:action:1', title: 'Add a second probe', body: 'From INC-1', labels: ['pir'], assignees: ['ada'] });
    expect(a).toMatchObject({ number: 1, created: true });
    expect(readFileSync(fileURLToPath(a.url), 'utf8')).toContain('# #1 Add a second probe');
    const pr = await gh.ensurePullRequest({ branch: 'pir/inc-1', path: 'docs/pir/2026-11-29-inc-1-lagos.md', content: '# PIR INC-1 Lagos region unreachable\n', title: 'PIR: INC-1', body: 'b', commitMessage: 'm' });
    expect(pr).toMatchObject({ number: 2, created: true });
    expect(readFileSync(fileURLToPath(pr.url), 'utf8')).toBe('# PIR INC-1 Lagos region unreachable\n');

    const again = createSimulatedGitHub({ dir });
    expect(await again.ensureIssue({ marker: 'drbot:INC-1:action:1', title: 'other', body: 'other', labels: ['pir'] })).toEqual({ ...a, created: false });
    expect(await again.ensurePullRequest({ branch: 'pir/inc-1', path: 'docs/pir/x.md', content: 'other', title: 't', body: 'b', commitMessage: 'm' })).toEqual({ ...pr, created: false });
    expect(await again.issueState(1)).toEqual({ state: 'open', assignees: ['ada'], url: a.url });
    await again.comment(1, 'The PIR is in the pull request');
    expect(readFileSync(fileURLToPath(a.url), 'utf8')).toContain('The PIR is in the pull request');
    expect((await again.ensureIssue({ marker: 'drbot:INC-1:action:2', title: 'Two', body: '', labels: [] })).number).toBe(3);
    await expect(again.issueState(99)).rejects.toThrow(/Not Found/);
    await expect(again.ensurePullRequest({ branch: 'pir/x', path: '../../../etc/passwd', content: '', title: '', body: '', commitMessage: '' })).rejects.toThrow(/would leave/);
    await expect(again.ensurePullRequest({ branch: '../../x', path: 'a.md', content: '', title: '', body: '', commitMessage: '' })).rejects.toThrow(/would leave/);
  });
});

describe('the Statuspage simulation', () => {
  it('creates one incident and updates it, kept in its file', async () => {
    const file = join(tempDir(), 'simulated-statuspage.json');
    const sp = createSimulatedStatusPage({ file });
    const { id } = await sp.createIncident({ name: 'n', status: 'investigating', body: 'We are aware', components: { c1: 'major_outage' } });
    await sp.updateIncident(id, { status: 'resolved', body: 'Fixed', components: { c1: 'operational' } });
    expect(createSimulatedStatusPage({ file }).incidents()).toMatchObject([{ id, status: 'resolved', updates: [{ body: 'We are aware' }, { body: 'Fixed' }] }]);
    await expect(sp.updateIncident('sim-99', { status: 'resolved', body: '', components: {} })).rejects.toThrow(/no incident sim-99/);
  });
});

describe('simulated integrations sharing a data dir', () => {
  it('several processes saving the same state files at once never rename each other\'s half-written file', async () => {
    const dir = tempDir();
    const src = (p: string) => fileURLToPath(new URL(`../../src/adapters/${p}`, import.meta.url));
    // Each process saves every simulation's state 150 times, as fast as it can.
    const script = `
      import { createSimulatedRoute53 } from ${JSON.stringify(src('route53/simulated.ts'))};
      import { createSimulatedStatusPage } from ${JSON.stringify(src('statuspage/simulated.ts'))};
      import { createSimulatedGitHub } from ${JSON.stringify(src('github/simulated.ts'))};
      const dir = ${JSON.stringify(dir)};
      for (let i = 0; i < 150; i++) {
        createSimulatedRoute53({ seed: { zones: {}, healthChecks: {} }, file: dir + '/route53.json' });
        await createSimulatedStatusPage({ file: dir + '/statuspage.json' }).createIncident({ name: 'x', status: 'investigating', body: 'b', components: {} });
        await createSimulatedGitHub({ dir: dir + '/github' }).ensureIssue({ title: 'x', body: 'b', labels: [], marker: 'm' + process.pid + '-' + i });
      }`;
    const runs = Array.from({ length: 4 }, () => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => resolve({ code, err }));
    }));
    // (The shared `<file>.tmp` of before: another process's rename took it away, ENOENT.)
    for (const r of await Promise.all(runs)) expect({ code: r.code, err: r.err.slice(0, 500) }).toEqual({ code: 0, err: '' });
    for (const f of ['route53.json', 'statuspage.json', 'github/state.json']) expect(() => JSON.parse(readFileSync(join(dir, f), 'utf8')), f).not.toThrow();
  }, 60_000);
});
