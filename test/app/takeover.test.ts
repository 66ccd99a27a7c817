import { until } from '../helpers/until.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';
import { testConfigDir } from '../helpers/configDir.ts';
import { openTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { DrbotProcess, killAll } from '../helpers/spawnDrbot.ts';


/**
 * Two real drbot processes on one PostgreSQL with the default lease (15 s, renewed every 5 s
 * while a send runs). A send held longer than the lease by a live replica stays with it; the
 * replica killed mid-send loses it to the other within 20 s, and that one send repeats once, marked.
 */
describe('a replica killed mid-send: the other takes its step over', () => {
  const procs: DrbotProcess[] = [];
  let db: TestDb;
  afterEach(async () => {
    await killAll(procs);
    await closeSmtpServers();
    await db?.close();
  });

  it('keeps a long send alive with the heartbeat, and hands a dead replica\'s send over within 20 s', { timeout: 120_000 }, async () => {
    db = await openTestDb('pg', 'takeover');
    const replies: number[] = [];
    let release: (() => void) | undefined;
    const smtp = await startSmtp({
      beforeReply: () => {
        replies.push(Date.now());
        return replies.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    });
    const env = (instance: string) => ({
      DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`,
      DRBOT_CONFIG_DIR: configDir,
      DRBOT_CONSOLE: 'on',
      DRBOT_INSTANCE_ID: instance,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    });
    const configDir = testConfigDir({
      'notifications/sev1.yml': () => ({ steps: [{ id: 'email-1', at: '0s', kind: 'email', to: ['engineering-lead'], template: 'stakeholder' }] }),
      'drbot.yml': (d) => void (d.severities.sev1.update_cadence = null),
    });
    const a = new DrbotProcess(env('replica-a'));
    const b = new DrbotProcess(env('replica-b'));
    procs.push(a, b);
    await Promise.all([a.waitFor(/you are @U0CONSOLE/, { timeoutMs: 60_000 }), b.waitFor(/you are @U0CONSOLE/, { timeoutMs: 60_000 })]);
    a.type('/dr declare sev1 Lagos region unreachable');

    await until('the send to be held at the SMTP server', () => replies.length === 1);
    const emailStep = async () => (await listSteps(db, 1)).find((s) => s.stepId === 'email-1')!;
    const holder = (await db.query<{ claimed_by: string }>("SELECT claimed_by FROM steps WHERE step_id = 'email-1'"))[0].claimed_by;
    expect(['replica-a', 'replica-b']).toContain(holder);
    const leaseOf = async () => (await db.query<{ lease_until: Date }>("SELECT lease_until FROM steps WHERE step_id = 'email-1'"))[0].lease_until.getTime();
    const firstLease = await leaseOf();

    // Held past the 15 s lease while its replica lives: the heartbeat keeps it; nobody sends it again.
    await new Promise((r) => setTimeout(r, 17_000));
    expect(replies).toHaveLength(1);
    expect(await leaseOf()).toBeGreaterThan(firstLease);
    expect((await emailStep()).status).toBe('pending');

    const victim = holder === 'replica-a' ? a : b;
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    await victim.exited;
    release?.();
    await until('the other replica to send it again', () => replies.length >= 2, 30_000);
    const takeoverMs = replies[1] - killedAt;
    await until('the step done', async () => (await emailStep()).status === 'done');
    console.log(`takeover: the surviving replica re-sent the held step ${(takeoverMs / 1000).toFixed(1)} s after the holder was killed (lease 15 s, heartbeat 5 s)`);
    expect(takeoverMs).toBeLessThan(20_000);

    const sent = smtp.received.filter((m) => m.mail.headers.get('x-drbot-step') === 'email-1');
    expect(sent.length).toBeLessThanOrEqual(2);
    const line = (await listTimeline(db, 1)).find((e) => e.data?.stepId === 'email-1');
    expect(line?.text).toContain('may have been sent twice');
    const [{ worker }] = await db.query<{ worker: string }>("SELECT result->>'worker' AS worker FROM steps WHERE step_id = 'email-1'");
    expect(worker).not.toBe(holder);
  });
});
