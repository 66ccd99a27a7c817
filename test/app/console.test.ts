import { afterEach, describe, expect, it } from 'vitest';
import { DrbotProcess } from '../helpers/spawnDrbot.ts';

describe('the local console (npm start with no Slack credentials)', () => {
  let p: DrbotProcess | undefined;
  afterEach(async () => {
    p?.kill('SIGKILL');
    await p?.exited;
  });

  it('declares, shows what would be posted, presses buttons by number and resolves', async () => {
    p = new DrbotProcess({});
    await p.waitFor(/you are @U0CONSOLE/);
    // Every outbound integration without credentials is listed, not silently skipped.
    expect(p.stdout).toContain('– PagerDuty pages: not sent (no credentials) — set PAGERDUTY_ROUTING_KEY');
    expect(p.stdout).toContain('– Email: not sent (no credentials) — set SMTP_URL');

    p.type('/dr declare sev1 Lagos region unreachable');
    await p.waitFor(/INC-1 declared — SEV-1 Critical: Lagos region unreachable/);
    await p.waitFor(/\[slack\] channel created: #inc-\d{8}-lagos-region-unreachable/);
    await p.waitFor(/invited to #inc-\d{8}-lagos-region-unreachable: @U0CONSOLE, @Ada Okafor, @Tunde Bello/);
    const buttons = await p.waitFor(/\[(\d+)\] Post update {2}\[(\d+)\] Take command {2}\[(\d+)\] Change severity {2}\[(\d+)\] Resolve/);
    await p.waitFor(/\[#incidents\] drbot:\n {2}INC-1 declared — SEV-1 Critical: Lagos region unreachable\. Commander @U0CONSOLE\. Join #inc-/);
    await p.waitFor(/you are now in #inc-\d{8}-lagos-region-unreachable/);
    // The chain's T+0 page says out loud that it was not sent.
    await p.waitFor(/· INC-1 PagerDuty → on-call engineer: skipped — not sent \(no credentials\): PagerDuty needs PAGERDUTY_ROUTING_KEY/);

    const mark = p.stdout.length;
    p.type('/as U0ENGLEAD1');
    p.type(buttons[2]);
    await p.waitFor(/@Tunde Bello pressed "Take command"/, { from: mark });
    await p.waitFor(/Commander: @Tunde Bello/, { from: mark });

    p.type('/dr sev9 whatever');
    await p.waitFor(/Unknown command `sev9`/, { stream: 'stderr' });

    p.type(buttons[4]);
    await p.waitFor(/Summary \(what happened, what fixed it\): $/, { from: mark });
    p.type('Traffic moved to Abuja');
    await p.waitFor(/INC-1 resolved\. Pending notifications cancelled\./, { from: mark });
    await p.waitFor(/\[#incidents\] drbot:\n {2}INC-1 resolved by @Tunde Bello: Traffic moved to Abuja/, { from: mark });
    await p.waitFor(/Resolved: \d{4}-\d\d-\d\d \d\d:\d\d WAT \(after/, { from: mark });

    p.type('/quit');
    expect(await p.exited).toBe(0);
  });

  it('refuses a broken config at start with the file, the field and what was expected', async () => {
    const { mkdtempSync, writeFileSync, cpSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'drbot-cfg-'));
    cpSync('contacts.yml', join(dir, 'contacts.yml'));
    writeFileSync(join(dir, 'drbot.yml'), 'channels: { announcements: incidents }\nseverities: {}\n');
    p = new DrbotProcess({ DRBOT_CONFIG_DIR: dir });
    expect(await p.exited).toBe(78);
    expect(p.stderr).toContain('drbot cannot start: the configuration is broken.');
    expect(p.stderr).toContain('drbot.yml: channels.engineering:');
    expect(p.stderr).toContain('drbot.yml: severities.sev1:');
  });
});
