import { afterEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';
import { startSmtp, type Received, closeSmtpServers } from '../standins/smtp.ts';
import { testConfigDir } from '../helpers/configDir.ts';
import { openTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { DrbotProcess, killAll } from '../helpers/spawnDrbot.ts';

const EMAILS = 6;
/** `scheduler.late_after` below: a step that starts this long after it fell due is marked late. */
const LATE_AFTER_MS = 500;
/** A SEV-1 chain in seconds: a page at once, then one email a second (each step id once). */
function chainConfig(): string {
  return testConfigDir({
    'notifications/sev1.yml': () => ({
      steps: [
        { id: 'page-oncall', at: '0s', kind: 'page', to: 'oncall' },
        ...Array.from({ length: EMAILS }, (_, n) => ({ id: `email-${n + 1}`, at: `${n + 1}s`, kind: 'email', to: ['engineering-lead'], template: 'stakeholder' })),
      ],
    }),
    'drbot.yml': (d) => {
      d.scheduler = { lease: '2s', backoff: '200ms', max_backoff: '1s', late_after: `${LATE_AFTER_MS}ms` };
      d.severities.sev1.update_cadence = null;
    },
  });
}

describe('a real drbot process killed mid-chain (SIGKILL) and started again on the same store', () => {
  const procs: DrbotProcess[] = [];
  let db: TestDb;
  afterEach(async () => {
    await killAll(procs);
    await closeSmtpServers();
    await db?.close();
  });

  async function setup(smtpOptions: Parameters<typeof startSmtp>[0] = {}) {
    db = await openTestDb('pg', 'crash');
    const pd = await PagerDutyStandIn.start();
    const smtp = await startSmtp(smtpOptions);
    const env = {
      DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`,
      DRBOT_CONFIG_DIR: chainConfig(),
      DRBOT_CONSOLE: 'on',
      PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789012345678901',
      PAGERDUTY_EVENTS_URL: pd.url,
      PAGERDUTY_API_URL: pd.url,
      NODE_EXTRA_CA_CERTS: pd.caFile,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    };
    const start = () => {
      const p = new DrbotProcess(env);
      procs.push(p);
      return p;
    };
    const stepsOf = (m: Received) => m.mail.headers.get('x-drbot-step');
    return { pd, smtp, start, stepsOf };
  }

  async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a crash between steps neither doubles nor drops one; steps due while down run late', async () => {
    const { pd, smtp, start, stepsOf } = await setup();
    const a = start();
    await a.waitFor(/you are @U0CONSOLE/);
    a.type('/dr declare sev1 Lagos region unreachable');
    // Kill between steps: email-2's done mark is committed and email-3 is not due for a second.
    await until('email-2 recorded as sent', async () => (await listSteps(db, 1)).find((s) => s.stepId === 'email-2')?.status === 'done');
    a.kill('SIGKILL');
    await a.exited;
    const sentBeforeCrash = smtp.received.length;
    // Down while the rest of the chain falls due: wait until every step still pending is overdue
    // by more than `late_after` (500ms), so each one runs late once drbot is back.
    await until('the rest of the chain overdue', async () => (await listSteps(db, 1))
      .filter((s) => s.source === 'chain' && s.status === 'pending')
      .every((s) => Date.now() - s.dueAt.getTime() > LATE_AFTER_MS));
    const b = start();
    await b.waitFor(/you are @U0CONSOLE/);
    await until('every email', () => smtp.received.length >= EMAILS);
    // A step leaves `pending` only once its send has returned: every mail it caused is in by now.
    await until('no pending chain step', async () => (await listSteps(db, 1)).every((s) => s.source !== 'chain' || s.status !== 'pending'));

    expect(smtp.received.map(stepsOf).sort()).toEqual(Array.from({ length: EMAILS }, (_, n) => `email-${n + 1}`));
    expect(smtp.received[0].rcptTo).toEqual(['tunde.bello@voxguard.example']);
    expect(pd.events.filter((e) => e.event_action === 'trigger').map((e) => e.dedup_key)).toEqual(['drbot-INC-1']);
    pd.assertNoViolations();
    const texts = (await listTimeline(db, 1)).map((e) => e.text);
    expect(texts.filter((t) => t.includes('(late by')).length).toBeGreaterThanOrEqual(EMAILS - sentBeforeCrash);
    expect(texts.some((t) => t.includes('may have been sent twice'))).toBe(false);
  });

  it('a crash during a send loses nothing: the step is re-sent after the lease and marked "may have been sent twice"', async () => {
    let hold: (() => void) | undefined;
    let holding = false;
    let replies = 0;
    const { smtp, start, stepsOf } = await setup({
      // The third mail hangs before the server answers: drbot is killed in the middle of the send.
      beforeReply: () => (++replies === 3 ? ((holding = true), new Promise<void>((r) => (hold = r))) : Promise.resolve()),
    });
    const a = start();
    await a.waitFor(/you are @U0CONSOLE/);
    a.type('/dr declare sev1 Lagos region unreachable');
    await until('the third send to be in flight', () => holding);
    a.kill('SIGKILL');
    await a.exited;
    hold?.();
    const b = start();
    await b.waitFor(/you are @U0CONSOLE/);
    await until('every step', async () => (await listSteps(db, 1)).filter((s) => s.source === 'chain').every((s) => s.status === 'done' || s.status === 'skipped'), 25_000);
    const steps = smtp.received.map(stepsOf);
    for (let n = 1; n <= EMAILS; n++) expect(steps.filter((s) => s === `email-${n}`).length, `email-${n}`).toBeGreaterThanOrEqual(1);
    // Only the one send in flight at the crash may repeat.
    expect(steps.length).toBeLessThanOrEqual(EMAILS + 1);
    const third = (await listTimeline(db, 1)).find((e) => e.data?.stepId === 'email-3');
    expect(third?.text).toContain('may have been sent twice');
  });
});
