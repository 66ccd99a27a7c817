/**
 * `npm run bench:approval`: time from the last Approve click (a signed Slack block_actions POST)
 * to the Route 53 change submitted, and to INSYNC seen, against the Route 53 and Slack stand-ins.
 * drbot runs in this process in Slack HTTP mode on PostgreSQL (BENCH_DATABASE_URL, default the
 * local test database; PGlite when it cannot be reached), with its scheduler on.
 *
 * The stand-in answers GetChange PENDING until BENCH_INSYNC_MS after the change was accepted
 * (as AWS does, by time); drbot polls every BENCH_POLL_MS. drbot's own overhead is
 * (INSYNC seen − click) − BENCH_INSYNC_MS: the click, the approval transaction, the step wake-up,
 * the preflight reads, the change call and the lateness of the poll that saw INSYNC.
 */
import { getRun } from '../src/store/sql/getRun.ts';
import type { DnsPort } from '../src/ports.ts';
import { openTestDb, type TestDb } from '../test/helpers/db.ts';
import { slackApp } from '../test/helpers/slackApp.ts';
import { awsCredentials, HC, route53, slackDir } from '../test/app/runbookFixtures.ts';
import { fmt, summary } from './lib.ts';

const N = Number(process.env.BENCH_APPROVAL_N ?? 50);
const INSYNC_MS = Number(process.env.BENCH_INSYNC_MS ?? 300);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const TARGET_P99_MS = 200;
const ADA = 'U0ONCALL01';
const TUNDE = 'U0ENGLEAD1';

awsCredentials();
const aws = await route53();
aws.insyncAfterPolls(0);
for (const id of Object.values(HC)) aws.setHealth(id, true); // failing over both ways: both targets healthy

let db: TestDb;
let engine = 'PostgreSQL';
try {
  db = await openTestDb('pg', 'bench_approval');
} catch {
  engine = 'PGlite';
  db = await openTestDb('pglite', 'bench_approval');
}

const s = await slackApp({
  db,
  env: { AWS_ENDPOINT_URL_ROUTE_53: aws.url },
  configDir: slackDir({
    'commands/dns-failover.yml': (d) => {
      delete d.health_quorum; // the quorum is read when a run is requested, not on the click path
      Object.assign(d, { cooldown: '0s', max_attempts: 100_000 });
      d.steps[0].route53.poll = `${POLL_MS}ms`;
      d.steps[0].timeout = '30s';
    },
  }),
});

// Time-based INSYNC in front of the stand-in, and the moments drbot got each answer.
const submittedAt = new Map<string, number>();
const marks = { submitted: [] as number[], insync: [] as number[] };
// Wrapped in place: the scheduler's handlers hold the same port object.
const dns = s.app.ctx.dns;
const real: DnsPort = { ...dns };
const timed: Pick<DnsPort, 'changeRecordSets' | 'getChange'> = {
  async changeRecordSets(zone, changes, comment) {
    const r = await real.changeRecordSets(zone, changes, comment);
    const now = performance.now();
    submittedAt.set(r.changeId, now);
    marks.submitted.push(now);
    return { ...r, status: 'PENDING' };
  },
  async getChange(id) {
    if (performance.now() < (submittedAt.get(id) ?? 0) + INSYNC_MS) return 'PENDING';
    const status = await real.getChange(id);
    if (status === 'INSYNC') marks.insync.push(performance.now());
    return status;
  },
};
Object.assign(dns, timed);

await s.command('declare sev1 Benchmark: Lagos region unreachable', { user: ADA });
const channel = (await s.slack.waitFor((x) => x.channels.find((c) => c.name.startsWith('inc-')), 10_000, 'incident channel')).id;

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${ms} ms (is approval.* routed by the Slack transport?)`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const toSubmit: number[] = [];
const toInsync: number[] = [];
for (let i = 0; i < N + 3; i++) {
  const [from, to] = i % 2 === 0 ? ['lagos-primary', 'abuja-secondary'] : ['abuja-secondary', 'lagos-primary'];
  const res = await (await s.command(`run dns-failover from=${from} to=${to}`, { user: ADA, channel })).json();
  const id = Number(/run #(\d+)/.exec(res.text ?? '')?.[1]);
  if (!id) throw new Error(`bench: the request was refused: ${res.text}`);
  const before = { submitted: marks.submitted.length, insync: marks.insync.length };
  const click = performance.now();
  const pressed = await s.press('approval.approve', String(id), { user: TUNDE, channel });
  if (pressed.status !== 200) throw new Error(`bench: the click was answered ${pressed.status}`);
  await waitFor('INSYNC seen', () => marks.insync.length > before.insync);
  await waitFor('run succeeded', async () => (await getRun(s.db, id))?.status === 'succeeded');
  if (i < 3) continue; // warm-up
  toSubmit.push(marks.submitted[before.submitted] - click);
  toInsync.push(marks.insync[before.insync] - click);
}

const submit = summary(toSubmit);
const insync = summary(toInsync);
const overhead = summary(toInsync.map((ms) => ms - INSYNC_MS));
const line = (label: string, x: ReturnType<typeof summary>) => `${label.padEnd(46)} p50 ${fmt(x.p50).padStart(6)} ms  p99 ${fmt(x.p99).padStart(6)} ms  max ${fmt(x.max).padStart(6)} ms`;
process.stdout.write([
  `Approve click → Route 53 (n=${N}, ${engine}, Slack HTTP signed block_actions, stand-in INSYNC ${INSYNC_MS} ms after submit, drbot polls every ${POLL_MS} ms)`,
  line('click → ChangeResourceRecordSets accepted', submit),
  line('click → INSYNC seen', insync),
  line(`drbot overhead (INSYNC seen − click − ${INSYNC_MS} ms)`, overhead),
  `target: overhead p99 < ${TARGET_P99_MS} ms — ${overhead.p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`,
  JSON.stringify({ n: N, engine, insyncMs: INSYNC_MS, pollMs: POLL_MS, submit, insync, overhead }),
  '',
].join('\n'));

await s.close();
await db.close();
await aws.close();
aws.assertNoViolations();
