import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DrbotProcess } from '../helpers/spawnDrbot.ts';

const SIM_DNS = 'Route 53 (simulated: no AWS credentials)';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * README "Try it in five minutes": `npm start` with nothing configured runs the whole story on
 * the console — declare, the chain, a DNS failover approved by someone else, INSYNC and
 * verification, resolve, the PIR — against the built-in simulations, said out loud.
 */
describe('the README story on a fresh console, nothing configured (built-in simulations)', () => {
  let p: DrbotProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    p?.kill('SIGKILL');
    await p?.exited;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('declare sev1, /dr run dns-failover, approve as another admin, INSYNC and verified, resolve, read the PIR file', { timeout: 120_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'drbot-tryit-'));
    // Only PATH, HOME and the data dir: no *_URL, no token, no AWS variable.
    p = new DrbotProcess({ DRBOT_DATA_DIR: dataDir });
    await p.waitFor(/you are @U0CONSOLE/, { timeoutMs: 40_000 });
    expect(p.stdout).toContain(`~ Route 53: SIMULATED — ${SIM_DNS}; nothing leaves this machine`);
    expect(p.stdout).toContain('~ GitHub (PIR, tracking issues): SIMULATED — GitHub (simulated: no GITHUB_TOKEN / GITHUB_REPO)');
    expect(p.stdout).toContain('~ Statuspage: SIMULATED — Statuspage (simulated: no Statuspage account)');
    expect(p.stdout).toContain('– PagerDuty pages: not sent (no credentials) — set PAGERDUTY_ROUTING_KEY');

    p.type('/as U0ONCALL01');
    p.type('/dr declare sev1 Lagos region unreachable');
    await p.waitFor(/you are now in #inc-/, { timeoutMs: 40_000 });

    // dns-failover's parameters (name, from, to) all have defaults: lagos-primary → abuja-secondary.
    let mark = p.stdout.length;
    p.type('/dr run dns-failover');
    await p.waitFor(/Requested run #1 \(dns-failover\): waiting for admin to approve by/, { from: mark });
    const [, approve] = await p.waitFor(/\[(\d+)\] Approve {2}\[(\d+)\] Deny/, { from: mark });
    const request = p.stdout.slice(mark);
    expect(request).toContain(`Swap PRIMARY and SECONDARY for app.voxguard.ng — ${SIM_DNS}`);
    expect(request).toMatch(/now: {3}app\.voxguard\.ng A failover lagos-primary=PRIMARY, abuja-secondary=SECONDARY/);
    expect(request).toMatch(/after: app\.voxguard\.ng A failover lagos-primary=SECONDARY, abuja-secondary=PRIMARY/);
    // The simulated outage: both quorum checks fail, so no --override is needed.
    expect(request).toMatch(new RegExp(`quorum met .*— ${SIM_DNS.replace(/[()]/g, '\\$&')}`));

    mark = p.stdout.length;
    p.type('/as U0ENGLEAD1');
    p.type(approve);
    await p.waitFor(/Approved run #1 dns-failover for admin: all approvals in, running now/, { from: mark });
    await p.waitFor(/Route 53 accepted change CSIM\d+ \(PENDING\)/, { from: mark, timeoutMs: 40_000 });
    await p.waitFor(/change CSIM\d+ INSYNC after \d+s; records verified: app\.voxguard\.ng A failover lagos-primary=PRIMARY → SECONDARY, abuja-secondary=SECONDARY → PRIMARY/, { from: mark, timeoutMs: 40_000 });
    await p.waitFor(/run #1 succeeded/, { from: mark, timeoutMs: 40_000 });
    // Every line about Route 53 says it is simulated.
    const run = p.stdout.slice(mark);
    const aboutDns = run.split('\n').filter((l) => /Route 53|INSYNC|PENDING|records verified/.test(l) && !/^\s*\d+\. /.test(l));
    expect(aboutDns.length).toBeGreaterThan(0);
    for (const line of aboutDns) expect(line).toContain('simulated');
    // The simulated zone really changed, in its state file under the data dir.
    const zone = JSON.parse(readFileSync(join(dataDir, 'simulated-route53.json'), 'utf8')) as { zones: Record<string, { setIdentifier: string; failover: string }[]> };
    expect(zone.zones.Z0VOXGUARD0NG.filter((s) => s.failover).map((s) => `${s.setIdentifier}=${s.failover}`).sort()).toContain('abuja-secondary=PRIMARY');

    mark = p.stdout.length;
    p.type('/as U0ONCALL01');
    p.type('/dr resolve Traffic moved to Abuja');
    await p.waitFor(/INC-1 resolved/, { from: mark });
    await p.waitFor(/PIR pull request on GitHub: sent — opened PIR pull request #\d+ — GitHub \(simulated: no GITHUB_TOKEN \/ GITHUB_REPO\)/, { from: mark, timeoutMs: 40_000 });
    const [, url] = await p.waitFor(/the draft is pull request #\d+ <(file:\/\/[^>]+\.md)>/, { from: mark });
    await p.waitFor(/nothing was sent to GitHub; the link is the file on this machine/, { from: mark });
    p.type('/quit');
    await p.exited;

    const pir = new URL(url).pathname;
    expect(pir.startsWith(join(dataDir, 'simulated-github'))).toBe(true);
    const doc = readFileSync(pir, 'utf8');
    expect(doc).toContain('Lagos region unreachable');
    expect(doc).toContain('Traffic moved to Abuja');
    expect(filesUnder(join(dataDir, 'simulated-github')).some((f) => f.endsWith('.md'))).toBe(true);
    // Nothing was sent anywhere: no integration said it sent or failed to reach a provider.
    expect(p.stdout).not.toMatch(/ENOTFOUND|ECONNREFUSED|fetch failed|amazonaws|api\.github\.com|statuspage\.io/);
  });
});
