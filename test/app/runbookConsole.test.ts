import { afterEach, describe, expect, it } from 'vitest';
import { DrbotProcess } from '../helpers/spawnDrbot.ts';

describe('recovery commands on the local console (no Slack)', () => {
  let p: DrbotProcess | undefined;
  afterEach(async () => {
    p?.kill('SIGKILL');
    await p?.exited;
  });

  it('/as switches who presses Approve: the requester is refused, another admin approves, the run is reported', async () => {
    p = new DrbotProcess({});
    await p.waitFor(/you are @U0CONSOLE/);
    p.type('/as U0ONCALL01');
    p.type('/dr declare sev1 Lagos database unreachable');
    await p.waitFor(/you are now in #inc-/);
    let mark = p.stdout.length;
    p.type('/dr run database-failover');
    await p.waitFor(/Requested run #1 \(database-failover\): waiting for admin to approve by/, { from: mark });
    const [, approve] = await p.waitFor(/\[(\d+)\] Approve {2}\[(\d+)\] Deny/, { from: mark });
    await p.waitFor(/run ysqlsh -h lagos-yb -c "SELECT 1" \(must fail\)/, { from: mark });
    p.type(approve);
    await p.waitFor(/You requested run #1 \(database-failover\), so you cannot approve it/, { stream: 'stderr' });
    // Said once, in words: no log line repeats the refusal on the console.
    expect(p.stderr.match(/so you cannot approve it/g)).toHaveLength(1);
    expect(p.stderr).not.toMatch(/"level":\d+/);
    mark = p.stdout.length;
    p.type('/as U0ENGLEAD1');
    p.type(approve);
    await p.waitFor(/Approved run #1 database-failover for admin: all approvals in, running now/, { from: mark });
    // exec is off in the shipped drbot.yml: the run shows what it would have executed and runs nothing.
    await p.waitFor(/not run \(exec is off in drbot\.yml recovery\.exec\): would have run ysqlsh -h lagos-yb -c 'SELECT 1'/, { from: mark });
    await p.waitFor(/would have run kubectl rollout restart deployment\/detection-engine -n voxguard-prod/, { from: mark });
    await p.waitFor(/exec action\(s\) only showed what they would run \(exec is off in drbot\.yml recovery\.exec\)/, { from: mark });
    p.type('/quit');
    await p.exited;
  });
});
