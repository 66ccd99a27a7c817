import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { getRun } from '../../src/store/sql/getRun.ts';
import { listRunActions } from '../../src/store/sql/listRunActions.ts';
import { TransientError, type Mail, type PageRequest } from '../../src/ports.ts';
import { testApp } from '../helpers/app.ts';
import type { Route53StandIn } from '../standins/route53/server.ts';
import { awsCredentials, changes, configDir, failoverRecords, HC, plain, roleOf, route53, runbookEdits, ZONE } from './runbookFixtures.ts';

type T = Awaited<ReturnType<typeof testApp>>;
const text = (r: { message?: { fallback: string } }) => r.message?.fallback ?? '';
const NOW = 'now:   app.voxguard.ng A failover abuja-secondary=SECONDARY, lagos-primary=PRIMARY';
const AFTER = 'after: app.voxguard.ng A failover abuja-secondary=PRIMARY, lagos-primary=SECONDARY';

describe('recovery commands on the durable schedule (manual clock, Route 53 stand-in)', () => {
  let t: T;
  let aws: Route53StandIn;
  let channel: string;
  let seq = 0;
  beforeAll(awsCredentials);
  beforeEach(async () => {
    aws = await route53();
  });
  afterEach(async () => {
    await t.close();
    await aws.close();
    aws.assertNoViolations();
  });

  async function start(edits = runbookEdits()) {
    t = await testApp({ configDir: configDir(edits), env: { AWS_ENDPOINT_URL_ROUTE_53: aws.url } });
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await t.drain();
    channel = (await getIncident(t.db, 1))!.channelId!;
  }
  const press = (action: string, run: number, user: string) =>
    t.app.handlers.button({ requestKey: `click-${++seq}`, userId: user, channelId: channel, action: `approval.${action}`, value: String(run) });
  const runMessages = (run: number) => t.chat.calls.filter((c) => (c.method === 'post' || c.method === 'update') && c.message?.fallback.startsWith(`Run #${run} `));
  const shown = (run: number) => plain(runMessages(run).at(-1)!.message!);
  /** Moves the clock in 1 s polls until nothing more happens (INSYNC polls are 1 s apart). */
  async function polls(seconds: number) {
    for (let i = 0; i < seconds; i++) {
      t.clock.advance(1000);
      await t.drain();
    }
  }
  const timeline = async () => (await listTimeline(t.db, 1)).map((e) => e.text);

  it('T2 failover: the request shows the records now and after; the requester cannot approve; approved → swapped, INSYNC, verified, audited', async () => {
    await start();
    const reply = await t.dr('run dns-failover', 'U0ONCALL01', channel);
    expect(text(reply)).toContain('Requested run #1 (dns-failover): waiting for admin to approve by 2026-11-24 10:30 WAT');
    await t.drain();
    expect(runMessages(1)[0].method).toBe('post');
    expect(runMessages(1)[0].channel).toBe(channel);
    const request = shown(1);
    for (const s of [NOW, AFTER, 'Expires: 2026-11-24 10:30 WAT', '○ admin: waiting for @U0ENGLEAD1', '[Approve] [Deny]', 'quorum met']) expect(request).toContain(s);
    expect(changes(aws)).toHaveLength(0);

    const self = await press('approve', 1, 'U0ONCALL01');
    expect(self.refused).toBe(true);
    expect(text(self)).toContain('You requested run #1 (dns-failover), so you cannot approve it');
    expect(text(await press('approve', 1, 'U0ENGLEAD1'))).toContain('Approved run #1 dns-failover for admin: all approvals in, running now');
    await t.drain();
    expect(changes(aws)).toHaveLength(1);
    expect(roleOf(aws, 'abuja-secondary')).toBe('PRIMARY');
    await polls(2);
    const done = shown(1);
    expect(done).toContain('✓ Succeeded');
    expect(done).toContain('✓ admin: @U0ENGLEAD1 at 2026-11-24 10:00 WAT');
    expect(done).toMatch(/✓ Swap PRIMARY and SECONDARY for app.voxguard.ng — change C\w+ INSYNC after 1s; records verified/);
    expect(done).toContain('[Roll back]');
    expect(runMessages(1).slice(1).every((c) => c.method === 'update' && c.args === runMessages(1)[0].args)).toBe(true);
    expect((await getRun(t.db, 1))).toMatchObject({ status: 'succeeded', requestedBy: 'U0ONCALL01', startedAt: expect.any(Date), finishedAt: expect.any(Date) });
    expect(await timeline()).toEqual(expect.arrayContaining([
      'Requested run #1 dns-failover (T2) name=app.voxguard.ng from=lagos-primary to=abuja-secondary',
      'Refused approve of run #1: You requested run #1 (dns-failover), so you cannot approve it: another member of admin must.',
      'Approved run #1 dns-failover for admin: all approvals in, running now',
      'Run #1 dns-failover succeeded in 1s: the action is done',
    ]));
  });

  it('approvers are paged (one page per group, resolved once decided) and emailed, through the ports', async () => {
    await start(runbookEdits((d) => void (d.approvers = ['admin', 'cto'])));
    const pages: string[] = [];
    const mails: Mail[] = [];
    // Fakes wired in at the ports (the same port objects the scheduler's handlers use).
    Object.assign(t.app.ctx.pager, {
      trigger: async (p: PageRequest) => (pages.push(`trigger ${p.dedupKey} ${p.summary}`), { dedupKey: p.dedupKey }),
      resolve: async (key: string) => void pages.push(`resolve ${key}`),
    });
    Object.assign(t.app.ctx.mailer, { send: async (m: Mail) => (mails.push(m), { messageId: 'm1', accepted: m.to }) });
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await t.drain();
    expect(pages).toEqual([
      'trigger drbot-run-1-admin [INC-1] Approval needed from admin: run #1 dns-failover (T2)',
      'trigger drbot-run-1-cto [INC-1] Approval needed from cto: run #1 dns-failover (T2)',
    ]);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['tunde.bello@voxguard.example', 'ada.okafor@voxguard.example', 'cto@voxguard.example']);
    expect(mails[0].subject).toBe('[INC-1] Approval needed: run #1 dns-failover (T2)');
    expect(mails[0].text).toContain(AFTER);
    await press('deny', 1, 'U0CTO00001');
    await t.drain();
    expect(pages.slice(2)).toEqual(['resolve drbot-run-1-admin', 'resolve drbot-run-1-cto']);
    expect(shown(1)).toContain('✋ Denied by @U0CTO00001');
  });

  it('T1 on weighted records (VoxGuard DR plan: Lagos=0, Abuja=100) runs at once; Roll back by an approver runs at once and restores the weights', async () => {
    await start({
      ...runbookEdits(),
      'commands/weights-failover.yml': () => ({
        name: 'weights-failover', description: 'api.voxguard.ng weights to Abuja (test)', tier: 'T1', approvers: ['oncall'], notify: ['slack'],
        steps: [{ label: 'Weights Lagos 0, Abuja 100', route53: { zone: ZONE, name: 'api.voxguard.ng', from: 'lagos', to: 'abuja', poll: '1s' }, timeout: '30s' }],
      }),
    });
    const weights = () => Object.fromEntries(aws.zones.get(ZONE)!.records.filter((r) => r.Name === 'api.voxguard.ng.').map((r) => [r.SetIdentifier, r.Weight]));
    expect(text(await t.dr('run weights-failover', 'U0ENGLEAD1', channel))).toContain('Run #1 (weights-failover, T1) is starting now');
    await t.drain();
    await polls(2);
    expect(weights()).toEqual({ lagos: 0, abuja: 100 });
    expect(shown(1)).toContain('Told:\noncall: @U0ONCALL01');
    expect(shown(1)).toContain('api.voxguard.ng A weighted abuja=0 → 100, lagos=100 → 0');
    expect(text(await press('rollback', 1, 'U0ONCALL01'))).toContain('Rollback of run #1 weights-failover requested as run #2: running now');
    await t.drain();
    await polls(2);
    expect((await getRun(t.db, 2))!.status).toBe('succeeded');
    expect(weights()).toEqual({ lagos: 100, abuja: 0 });
  });

  it('a Route 53 answer lost after the change was applied: the retried step sees the change in place and does not submit it again', async () => {
    await start();
    const dns = t.app.ctx.dns;
    const submit = dns.changeRecordSets.bind(dns);
    let lost = false;
    dns.changeRecordSets = async (...a) => {
      const r = await submit(...a);
      if (!lost) {
        lost = true;
        throw new TransientError('socket hang up (the batch reached Route 53)');
      }
      return r;
    };
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await press('approve', 1, 'U0ENGLEAD1');
    await t.drain();
    await polls(3);
    expect(changes(aws)).toHaveLength(1);
    expect((await getRun(t.db, 1))!.status).toBe('succeeded');
    expect(shown(1)).toContain('the change was already applied (drbot stopped after submitting it); records verified');
  });

  it('a change Route 53 refuses fails the run with AWS\'s reason; nothing changed, so no rollback is offered', async () => {
    await start();
    aws.failNextChange('InvalidChangeBatch', { message: '[Tried to delete resource record set but the values provided do not match the current values]' });
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await press('approve', 1, 'U0ENGLEAD1');
    await t.drain();
    expect((await getRun(t.db, 1))!.status).toBe('failed');
    const s = shown(1);
    expect(s).toContain('✗ Failed');
    expect(s).toContain('Route 53 refused the change (Route 53 InvalidChangeBatch');
    expect(s).toContain('nothing was changed');
    expect(s).not.toContain('[Roll back]');
    expect(roleOf(aws, 'lagos-primary')).toBe('PRIMARY');
  });

  it('a target whose health check is not healthy: the request warns, and after approval nothing is changed', async () => {
    await start();
    aws.setHealth(HC.abuja, [true, false, false, true]);
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await t.drain();
    expect(shown(1)).toContain('⚠ the target "abuja-secondary" is NOT healthy (health check 0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29, failing in eu-west-1, ap-southeast-1)');
    await press('approve', 1, 'U0ENGLEAD1');
    await t.drain();
    expect(changes(aws)).toHaveLength(0);
    expect(shown(1)).toContain('the target "abuja-secondary" is not healthy (Route 53 health check 0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29); nothing was changed');
    expect((await getRun(t.db, 1))!.status).toBe('failed');
  });

  it('a change that never gets INSYNC times out, offers Roll back, and the rollback (approved like the run) restores the records', async () => {
    await start();
    aws.insyncAfterPolls('never');
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await press('approve', 1, 'U0ENGLEAD1');
    await t.drain();
    await polls(31);
    const run = (await getRun(t.db, 1))!;
    expect(run.status).toBe('timed_out');
    expect(shown(1)).toMatch(/change C\w+ was not INSYNC within 30s; it may still apply: Roll back restores the records as before/);
    expect(shown(1)).toContain('[Roll back]');

    aws.insyncAfterPolls(1);
    expect((await press('rollback', 1, 'U0CTO00001')).refused).toBe(true); // not the requester, not an admin
    const asked = await press('rollback', 1, 'U0ENGLEAD1');
    expect(text(asked)).toContain('Rollback of run #1 dns-failover requested as run #2: waiting for admin to approve');
    await t.drain();
    expect(shown(2)).toContain('Restore app.voxguard.ng as before run #1');
    expect(shown(2)).toContain('after: app.voxguard.ng A failover abuja-secondary=SECONDARY, lagos-primary=PRIMARY');
    expect(shown(1)).toContain('↩ Rollback requested by @U0ENGLEAD1: run #2');
    expect(shown(1)).not.toContain('[Roll back]');
    expect((await press('rollback', 1, 'U0ENGLEAD1')).refused).toBe(true); // one rollback per run
    expect((await press('approve', 2, 'U0ENGLEAD1')).refused).toBe(true); // the rollback's requester
    await press('approve', 2, 'U0ONCALL01');
    await t.drain();
    await polls(2);
    expect((await getRun(t.db, 2))!.status).toBe('succeeded');
    expect(changes(aws)).toHaveLength(2);
    const zone = aws.zones.get(ZONE)!.records.filter((r) => r.Name === 'app.voxguard.ng.');
    expect(zone.sort((a, b) => a.SetIdentifier!.localeCompare(b.SetIdentifier!))).toEqual(failoverRecords().sort((a, b) => a.SetIdentifier!.localeCompare(b.SetIdentifier!)));
    expect(await timeline()).toEqual(expect.arrayContaining(['Rollback of run #1 dns-failover requested as run #2']));
  });

  it('no quorum of distinct failing signals: refused with the reason; --override "<reason>" is accepted and recorded', async () => {
    await start();
    aws.setHealth(HC.synthetic, true);
    const refused = await t.dr('run dns-failover', 'U0ONCALL01', channel);
    expect(refused.refused).toBe(true);
    expect(text(refused)).toContain('dns-failover needs 2 distinct failing signal classes before it fails over (Multi-Region DR Plan), and 1 of 2 signals failing in 1 distinct class(es), 2 required: no quorum');
    expect(text(refused)).toContain('--override "<reason>"');
    const ok = await t.dr('run dns-failover --override "Lagos DC confirmed down by phone"', 'U0ONCALL01', channel);
    expect(ok.refused).toBeFalsy();
    await t.drain();
    expect(shown(1)).toContain('Overridden by @U0ONCALL01: Lagos DC confirmed down by phone');
    expect((await getRun(t.db, 1))!.overrideReason).toBe('Lagos DC confirmed down by phone');
    expect((await timeline()).some((l) => l.endsWith('quorum overridden: Lagos DC confirmed down by phone'))).toBe(true);
  });

  it('--dry-run shows what would change, changes nothing and posts no request', async () => {
    await start();
    const reply = await t.dr('run dns-failover --dry-run', 'U0ONCALL01', channel);
    const body = plain(reply.message!);
    for (const s of ['Dry run — nothing was changed', 'What it would change:', NOW, AFTER]) expect(body).toContain(s);
    expect(body).not.toContain('[Approve]');
    await t.drain();
    expect(runMessages(1)).toHaveLength(0);
    expect(changes(aws)).toHaveLength(0);
    expect((await getRun(t.db, 1))!.status).toBe('dry_run');
    expect(await timeline()).toContain('Dry run of run #1 dns-failover (T2) name=app.voxguard.ng from=lagos-primary to=abuja-secondary');
  });

  it('in a drill without drill targets a run is rehearsed: the full approval flow, then nothing is changed', async () => {
    await start();
    await t.db.query("UPDATE incidents SET mode = 'drill' WHERE id = 1");
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    await t.drain();
    expect((await getRun(t.db, 1))!.status).toBe('awaiting_approval');
    expect(text(await press('approve', 1, 'U0ENGLEAD1'))).toContain('Approved run #1 dns-failover');
    await polls(2);
    expect(changes(aws)).toHaveLength(0);
    expect((await getRun(t.db, 1))!.status).toBe('succeeded');
    expect((await timeline()).some((l) => l.includes('drill rehearsal, not run: would have route 53: move app.voxguard.ng'))).toBe(true);
  });

  it.each([
    ['region=eu;rm', 'Refused, nothing was run: `region` must be one of abuja, asaba (got "eu;rm")'],
    ['region=eu;rm -rf /', 'Parameters are key=value (got `-rf`)'],
    ['region=$(reboot)', 'must be one of abuja, asaba (got "$(reboot)")'],
    ['regoin=abuja', 'regional-failover has no parameter `regoin` (it takes: region)'],
  ])('parameters are checked before anything else: %s', async (params, message) => {
    await start();
    const reply = await t.dr(`run regional-failover ${params}`, 'U0ONCALL01', channel);
    expect(reply.refused).toBe(true);
    expect(text(reply)).toContain(message);
    const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM runs');
    expect(n).toBe(0);
    expect(aws.calls).toHaveLength(0);
  });

  it('an unknown runbook lists the known ones; /dr run alone opens a form listing them', async () => {
    await start();
    expect(text(await t.dr('run dns-failvoer', 'U0ONCALL01', channel))).toContain('There is no runbook `dns-failvoer`. Runbooks: database-failover, dns-failover, regional-failover, scale-up, service-restart');
    const form = (await t.dr('run', 'U0ONCALL01', channel)).form!;
    expect(form.callbackId).toBe('runbook.run');
    expect(form.fields[0].options!.map((o) => o.value)).toEqual(['database-failover', 'dns-failover', 'regional-failover', 'scale-up', 'service-restart']);
    const submitted = await t.app.handlers.form({ requestKey: 'form-1', userId: 'U0ONCALL01', callbackId: 'runbook.run', privateMetadata: form.privateMetadata, values: { runbook: 'dns-failover', params: '', dry_run: ['yes'] } });
    expect(plain(submitted.message!)).toContain(AFTER);
    const bad = await t.app.handlers.form({ requestKey: 'form-2', userId: 'U0ONCALL01', callbackId: 'runbook.run', privateMetadata: form.privateMetadata, values: { runbook: 'regional-failover', params: 'region=mars' } });
    expect(bad.fieldErrors?.params).toContain('`region` must be one of abuja, asaba (got "mars")');
  });

  it('expiry is a durable step: an expired request cannot be approved', async () => {
    await start();
    await t.dr('run dns-failover', 'U0ONCALL01', channel);
    t.clock.advance(31 * 60_000);
    const late = await press('approve', 1, 'U0ENGLEAD1');
    expect(text(late)).toContain('Run #1 (dns-failover) expired without all approvals');
    await t.drain();
    expect((await getRun(t.db, 1))!.status).toBe('expired');
    expect(shown(1)).toContain('⌛ Expired without all approvals: no approval from admin by 2026-11-24 10:30 WAT');
    expect(shown(1)).not.toContain('[Approve]');
    expect(changes(aws)).toHaveLength(0);
  });

  it('T0 runs at once without a shell, output redacted; cooldown and max attempts refuse more; a crash mid-command never runs it twice', async () => {
    const script = "console.log('restarted ' + process.argv[1]); console.log('password=hunter2 bot xoxb-123-456')";
    await start({
      ...runbookEdits(),
      'commands/restart-probe.yml': () => ({
        name: 'restart-probe', description: 'Restart a deployment (test double of service-restart)', tier: 'T0',
        parameters: { deployment: { allowed: ['detection-engine', 'web'] } },
        steps: [{ label: 'Restart {{deployment}}', exec: [process.execPath, '-e', script, '{{deployment}}'] }],
        cooldown: '5m', max_attempts: 2,
      }),
    });
    const reply = await t.dr('run restart-probe deployment=web', 'U0ONCALL01', channel);
    expect(text(reply)).toContain('Run #1 (restart-probe, T0) is starting now');
    await t.drain();
    const [action] = await listRunActions(t.db, 1);
    expect(action).toMatchObject({ status: 'done', detail: 'exit 0' });
    expect(action.output).toBe('restarted web\npassword=[redacted] bot xox?-[redacted]');
    expect((await getRun(t.db, 1))!.status).toBe('succeeded');
    expect(text(await t.dr('run restart-probe deployment=web', 'U0ONCALL01', channel))).toContain('restart-probe deployment=web is cooling down until 2026-11-24 10:05 WAT');
    t.clock.advance(6 * 60_000);
    await t.dr('run restart-probe deployment=web', 'U0ONCALL01', channel);
    // drbot "crashes" after marking the action started: the retried step must not run it again.
    await t.db.query(`INSERT INTO run_actions (run_id, phase, idx, attempt, kind, label, status, started_at) VALUES (2, 'steps', 0, 1, 'exec', 'Restart web', 'started', now())`);
    await t.drain();
    const [second] = await listRunActions(t.db, 2);
    expect(second).toMatchObject({ status: 'unknown', output: null });
    expect(second.detail).toContain('drbot stopped while this command was running, so it is not run a second time');
    t.clock.advance(6 * 60_000);
    expect(text(await t.dr('run restart-probe deployment=web', 'U0ONCALL01', channel))).toContain('restart-probe deployment=web has already run 2 time(s) in this incident (max_attempts 2)');
    // Cooldown and attempts are per target: restarting web never blocks restarting the detection engine.
    expect(text(await t.dr('run restart-probe deployment=detection-engine', 'U0ONCALL01', channel))).toContain('Run #3 (restart-probe, T0) is starting now');
  });
});
