/**
 * `npm run bench:drill`: a 40-step communication drill compressed to seconds. The SEV-1 chain of a
 * temp config folder has 40 steps 100–250 ms apart (a page, Slack posts across three channels,
 * an email every eighth step); `/dr drill communication-drill` starts it (a signed slash command),
 * and each step's lateness is measured where it lands: the moment the Slack, SMTP or PagerDuty
 * stand-in received it, minus the step's due time (declaration + its `at`). Then
 * `/dr drill end` → the report step: the pull request opened on the GitHub stand-in, and the
 * summary posted in the drill channel (the report step's last call).
 *
 * drbot runs in this process in Slack HTTP mode on PostgreSQL (BENCH_DATABASE_URL, default the
 * local test database; PGlite when it cannot be reached) with its scheduler on and production
 * runner settings; the stand-ins share its event loop. BENCH_DRILL_ROUNDS drills (default 5) run
 * one after another, after one warm-up drill; the figures pool their steps.
 */
import { Agent } from 'node:https';
import nodemailer from 'nodemailer';
import { cpus, loadavg } from 'node:os';
import { DEFAULT_RUNNER_OPTIONS } from '../src/scheduler/runnerOptions.ts';
import { getIncident } from '../src/store/sql/getIncident.ts';
import { listSteps } from '../src/store/sql/listSteps.ts';
import { slackConfigDir, SLACK_CHANNELS } from '../test/helpers/configDir.ts';
import { openTestDb, type TestDb } from '../test/helpers/db.ts';
import { slackApp } from '../test/helpers/slackApp.ts';
import { startGitHubStandIn } from '../test/standins/github/server.ts';
import { PagerDutyStandIn } from '../test/standins/pagerduty/server.ts';
import { startSlackStandIn } from '../test/standins/slack/server.ts';
import { servers, startSmtp } from '../test/standins/smtp.ts';
import { fmt, summary } from './lib.ts';

const STEPS = 40;
const ROUNDS = Number(process.env.BENCH_DRILL_ROUNDS ?? 5);
const MIN_GAP_MS = 100;
const MAX_GAP_MS = 250;
const ADA = 'U0ONCALL01';

// The chain: gaps drawn from a fixed-seed generator, so every run plans the same drill.
let seed = 0x13;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const channels = ['engineering', 'announcements', 'alerts'];
let atMs = 0;
const chain = Array.from({ length: STEPS }, (_, n) => {
  if (n > 0) atMs += Math.round(MIN_GAP_MS + rand() * (MAX_GAP_MS - MIN_GAP_MS));
  const id = `step-${String(n + 1).padStart(2, '0')}`;
  const at = `${atMs}ms`;
  if (n === 0) return { id, at, kind: 'page', to: 'oncall', label: `${id} page` };
  if (n % 8 === 4) return { id, at, kind: 'email', to: ['engineering-lead'], template: 'stakeholder', label: `${id} email` };
  return { id, at, kind: 'slack', channel: channels[n % 3], template: n % 2 ? 'initial-notification' : 'eta-update', label: `${id} slack` };
});
const kindOf = Object.fromEntries(chain.map((s) => [s.id, s.kind]));

let db: TestDb;
let engine = 'PostgreSQL';
try {
  db = await openTestDb('pg', 'bench_drill');
} catch {
  engine = 'PGlite';
  db = await openTestDb('pglite', 'bench_drill');
}
const slack = await startSlackStandIn({ channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })), triggerTtlMs: 3_600_000 });
const pd = await PagerDutyStandIn.start({ apiToken: 'pd-api-token-0001' });
const gh = await startGitHubStandIn({ owner: 'voxguard', repo: 'incidents', token: 'ghp_test' });
const smtp = await startSmtp();
const load0 = loadavg();

const s = await slackApp({
  db, slack,
  configDir: slackConfigDir({
    'drbot.yml': (d) => {
      d.duplicate_window = '0s';
    },
    'notifications/sev1.yml': (d) => {
      d.steps = chain;
    },
  }),
  env: {
    PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789012345678901', PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_API_URL: pd.url, PAGERDUTY_API_TOKEN: 'pd-api-token-0001',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'drbot <drbot@voxguard.example>',
    GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'voxguard/incidents', GITHUB_API_URL: gh.url,
  },
  pagerAgent: new Agent({ ca: pd.caPem }),
  // The production scheduler settings (the test helper shortens them).
  runner: { idleMs: DEFAULT_RUNNER_OPTIONS.idleMs, backoffBaseMs: DEFAULT_RUNNER_OPTIONS.backoffBaseMs, backoffMaxMs: DEFAULT_RUNNER_OPTIONS.backoffMaxMs },
});

async function waitFor<T>(what: string, get: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** When the stand-in received step `stepId` of incident `id` (ms since the epoch), if it did. */
function arrival(id: number, stepId: string): number | undefined {
  const kind = kindOf[stepId];
  if (kind === 'page') return pd.incidents.find((i) => i.dedupKey === `drbot-INC-${id}`)?.createdAt.getTime();
  if (kind === 'email') return smtp.received.find((m) => m.mail.headers.get('x-drbot-incident') === `INC-${id}` && m.mail.headers.get('x-drbot-step') === stepId)?.at;
  return slack.calls.find((c) => c.method === 'chat.postMessage' && !c.error && JSON.stringify(c.args.blocks ?? []).includes(`"${id}:${stepId}"`))?.at;
}

// What any client pays at the SMTP stand-in: smtp-server holds its greeting 100 ms (early-talker
// check) on every new connection, and drbot opens one per email. A bare nodemailer send, for scale.
const bare = nodemailer.createTransport(`smtp://127.0.0.1:${smtp.port}`);
const smtpBaseline: number[] = [];
for (let k = 0; k < 5; k++) {
  const sent = Date.now();
  await bare.sendMail({ from: 'bench@voxguard.example', to: 'nobody@voxguard.example', subject: 'baseline', text: 'baseline' });
  smtpBaseline.push(smtp.received.at(-1)!.at - sent);
}
smtp.received.length = 0;

const lateness: Record<string, number[]> = { all: [], page: [], slack: [], email: [], first: [], second: [] };
const drbotSays: number[] = [];
const toPull: number[] = [];
const toSummary: number[] = [];
let coldReportMs = NaN;
// Round 0 warms up (the GitHub stand-in compiles its OpenAPI checks on first use, and drbot's
// report path runs for the first time); it is reported apart and not pooled.
for (let round = 0; round <= ROUNDS; round++) {
  const res = await s.command('drill communication-drill', { user: ADA });
  if (res.status !== 200) throw new Error(`bench: /dr drill answered ${res.status}`);
  const id = round + 1;
  const i = await waitFor('the drill incident', async () => ((await getIncident(s.db, id))?.channelId ? await getIncident(s.db, id) : undefined));
  if (i.mode !== 'drill') throw new Error(`bench: INC-${id} is not a drill`);
  const arrived = await waitFor('every chain step at its stand-in', () => {
    const all = chain.map((c) => arrival(id, c.id));
    return all.every((x) => x !== undefined) ? (all as number[]) : undefined;
  });
  const steps = await listSteps(s.db, id);
  if (round > 0) chain.forEach((c, n) => {
    const step = steps.find((x) => x.stepId === c.id && x.source === 'chain')!;
    const late = arrived[n] - step.dueAt.getTime();
    lateness.all.push(late);
    lateness[c.kind].push(late);
    lateness[n < STEPS / 2 ? 'first' : 'second'].push(late); // does lateness build up over the drill?
  });

  const ended = Date.now();
  const end = await s.command('drill end rpo=0s benchmark', { user: ADA, channel: i.channelId! });
  if (end.status !== 200) throw new Error(`bench: /dr drill end answered ${end.status}`);
  const pull = await waitFor('the report pull request', () => gh.pulls.find((p) => p.head === `drill/inc-${id}`));
  const posted = await waitFor('the report summary in the drill channel', () => slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === i.channelId && String(c.args.text).includes(`Drill report of INC-${id}`))?.at);
  const report = await waitFor('the report step done', async () => (await listSteps(s.db, id)).find((x) => x.kind === 'drill_report' && x.status === 'done'));
  if (round === 0) coldReportMs = posted - ended;
  else {
    toPull.push(Date.parse(pull.createdAt) - ended);
    toSummary.push(posted - ended);
    drbotSays.push(Number(report.result?.latenessP99Ms));
  }
  await new Promise((r) => setTimeout(r, 500)); // the end's other steps (resolve pages, resolution email) settle
}

const load1 = loadavg();
const line = (label: string, x: ReturnType<typeof summary>) => `${label.padEnd(44)} n=${String(x.n).padEnd(4)} p50 ${fmt(x.p50).padStart(6)} ms  p99 ${fmt(x.p99).padStart(6)} ms  max ${fmt(x.max).padStart(6)} ms`;
const all = summary(lateness.all);
const pull = summary(toPull);
const posted = summary(toSummary);
process.stdout.write([
  '',
  `drbot drill benchmark — ${new Date().toISOString()} — node ${process.version}, ${engine}, ${cpus().length} cores, load average ${load0.map((x) => x.toFixed(1)).join(' ')} at start, ${load1.map((x) => x.toFixed(1)).join(' ')} at end`,
  `${ROUNDS} communication drill(s) (after one warm-up drill) of ${STEPS} SEV-1 chain steps, ${MIN_GAP_MS}–${MAX_GAP_MS} ms apart (${fmt(atMs / 1000, 2)} s per drill); lateness = arrival at the stand-in − due`,
  line('step lateness, all steps', all),
  line('  Slack posts (Slack stand-in)', summary(lateness.slack)),
  line('  emails (SMTP stand-in)', summary(lateness.email)),
  line('  pages (PagerDuty stand-in)', summary(lateness.page)),
  line('  baseline: bare nodemailer send → arrival', summary(smtpBaseline)),
  line(`  steps 1–${STEPS / 2} of each drill`, summary(lateness.first)),
  line(`  steps ${STEPS / 2 + 1}–${STEPS} of each drill`, summary(lateness.second)),
  `drbot's own report, lateness p99 per drill (sent − planned): ${drbotSays.map((x) => `${fmt(x, 0)} ms`).join(', ')}`,
  line('/dr drill end → report pull request opened', pull),
  line('/dr drill end → report summary posted', posted),
  `  per drill: ${toSummary.map((x) => `${fmt(x, 0)} ms`).join(', ')} (warm-up drill: ${fmt(coldReportMs, 0)} ms)`,
  `stand-in violations: Slack ${slack.violations.length}, PagerDuty ${pd.violations.length}, GitHub ${gh.violations.length}`,
  JSON.stringify({ rounds: ROUNDS, steps: STEPS, engine, load: { start: load0, end: load1 }, lateness: all, bySink: { slack: summary(lateness.slack), email: summary(lateness.email), page: summary(lateness.page) }, reportPull: pull, reportSummary: posted, drbotP99: drbotSays, coldReportMs, smtpBaseline: summary(smtpBaseline) }),
  '',
].join('\n'));

await s.close({ keepSlack: true, keepDb: true });
await slack.close();
await pd.close();
await gh.close();
await Promise.all(servers.splice(0).map((x) => new Promise<void>((r) => x.close(() => r()))));
await db.close();
process.exit(0);
