/**
 * `npm run bench`: how fast drbot acks Slack, against a bare Bolt app that only acks, in the
 * same run and on the same machine. Both get the same signed `/dr` requests over HTTP, sent by
 * a load generator in a process of its own (bench/loadGenerator.ts); drbot runs on PostgreSQL
 * (DATABASE_URL, default the local test database) with its scheduler on.
 * Also: declare → channel created → card posted, as seen by the Slack stand-in.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { slackConfigDir, SLACK_CHANNELS } from '../test/helpers/configDir.ts';
import { startSlackStandIn } from '../test/standins/slack/server.ts';
import type { LoadRequest, LoadResult } from './loadGenerator.ts';
import { drbotEntry, fmt, ROOT, startChild, summary } from './lib.ts';

const SECRET = 'bench-signing-secret-0001';
const STATUS_N = Number(process.env.BENCH_STATUS_N ?? 1000);
// 1,000: the p99 of 200 declares (the default until 12-06) is their second-slowest, and moved
// ×1.5–2.6 of bare Bolt's between runs of the same build.
const DECLARE_N = Number(process.env.BENCH_DECLARE_N ?? 1000);
const WARM_N = Number(process.env.BENCH_WARM_N ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
/** Which commands to measure (comma-separated), e.g. `status` alone for a profile of that path. */
const COMMANDS = (process.env.BENCH_COMMANDS ?? 'help,status,declare').split(',');
const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const slack = await startSlackStandIn({ channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })), triggerTtlMs: 3_600_000 });
const schema = `bench_ack_${Date.now()}`;
const admin = new pg.Client({ connectionString: DB_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);

const common = { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, PORT: '0', LOG_LEVEL: 'info' };
const drbot = await startChild([drbotEntry()], {
  ...common, DATABASE_URL: `${DB_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
  DRBOT_CONFIG_DIR: slackConfigDir({ 'drbot.yml': (d) => ({ ...d, duplicate_window: '0s' }) }), DRBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-')),
}, /"port":(\d+)[^\n]*drbot started/);
const bare = await startChild(['bench/bareBolt.mjs'], common, /ready on (\d+)/);
const ports = { drbot: drbot.match[1], bolt: bare.match[1] };
const pids = { drbot: drbot.child.pid!, bolt: bare.child.pid! };

/** CPU time (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return NaN;
  }
}

/**
 * CPU time the whole machine has spent busy (every core, user + system) so far, from /proc/stat
 * (Linux; NaN elsewhere): with the process's own CPU it tells whether a round was limited by
 * the machine (PostgreSQL, the generator and the stand-in share its cores) or by waiting.
 */
function machineBusyMs(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return ((f.reduce((a, b) => a + b, 0) - f[3] - f[4]) * 1000) / 100; // all but idle and iowait, in USER_HZ
  } catch {
    return NaN;
  }
}

// The requests come from a process of their own (bench/loadGenerator.ts says why).
const generator = fork(join(ROOT, 'bench', 'loadGenerator.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
await new Promise((resolve) => generator.once('message', resolve));
async function load(port: string, count: number, text: string, vary = false): Promise<LoadResult> {
  const answer = new Promise<LoadResult>((resolve) => generator.once('message', resolve as (m: unknown) => void));
  generator.send({ port: Number(port), secret: SECRET, count, concurrency: CONCURRENCY, text, vary, channel: SLACK_CHANNELS.general } satisfies LoadRequest);
  const r = await answer;
  if (r.errors.length) throw new Error(`${r.errors.length} requests failed, e.g. ${r.errors[0]}`);
  return r;
}

/** Waits until drbot's background sends (steps after a declare) are over, so no round pays for another's work. */
async function quiet(): Promise<void> {
  for (let last = slack.calls.length; ; last = slack.calls.length) {
    await new Promise((r) => setTimeout(r, 300));
    if (slack.calls.length === last) return;
  }
}

// One incident for `/dr status INC-1`. Then every measured command is warmed up on both targets:
// each is its own code path in drbot (for bare Bolt all are one), and a path's first few hundred
// requests run unoptimised code while V8 compiles it on the other core. Measured cold, drbot's
// first `/dr help` round held most of the slowest 1 % (259 of its 2,000 over 8 ms, against 0–15
// in later rounds), which made the p99 a measure of the warm-up.
await load(ports.drbot, 1, 'declare sev3 Benchmark warm-up incident');
for (const port of Object.values(ports)) {
  if (COMMANDS.includes('help')) await load(port, WARM_N, 'help');
  await load(port, WARM_N, 'status INC-1');
  if (COMMANDS.includes('declare')) await load(port, 30, 'declare sev3 Warm-up', true);
}
await quiet();

// Rounds alternate between the two targets (and which goes first), so the machine's noise
// falls on both alike; latencies are pooled per target.
const ROUNDS = 5;
const rows: string[] = [];
const result: Record<string, ReturnType<typeof summary> & { rps: number; cpu: number; client: number; machine: number; busy: number }> = {};
const commands = ([['help', 'help', STATUS_N], ['status', 'status INC-1', STATUS_N], ['declare', 'declare sev3 Bench incident', DECLARE_N]] as const).filter(([name]) => COMMANDS.includes(name));
for (const [name, text, n] of commands) {
  const pooled: Record<string, { latencies: number[]; wallMs: number; cpuMs: number; clientMs: number; machineMs: number }> = { drbot: { latencies: [], wallMs: 0, cpuMs: 0, clientMs: 0, machineMs: 0 }, bolt: { latencies: [], wallMs: 0, cpuMs: 0, clientMs: 0, machineMs: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? (['bolt', 'drbot'] as const) : (['drbot', 'bolt'] as const);
    for (const target of order) {
      const per = Math.ceil(n / ROUNDS);
      const cpuBefore = cpuMs(pids[target]);
      const machineBefore = machineBusyMs();
      const r = await load(ports[target], per, name === 'declare' ? `${text} ${target} ${round}` : text, name === 'declare');
      pooled[target].cpuMs += cpuMs(pids[target]) - cpuBefore;
      pooled[target].machineMs += machineBusyMs() - machineBefore;
      pooled[target].clientMs += r.cpuMs;
      pooled[target].latencies.push(...r.latencies);
      pooled[target].wallMs += r.wallMs;
      await quiet();
    }
  }
  for (const target of ['drbot', 'bolt'] as const) {
    const p = pooled[target];
    const s = { ...summary(p.latencies), rps: (p.latencies.length / p.wallMs) * 1000, cpu: p.cpuMs / p.latencies.length, client: p.clientMs / p.latencies.length, machine: p.machineMs / p.latencies.length, busy: p.machineMs / p.wallMs };
    result[`${name}/${target}`] = s;
    rows.push(`${`/dr ${name}`.padEnd(12)} ${target.padEnd(6)} n=${String(s.n).padEnd(5)} p50 ${fmt(s.p50).padStart(6)} ms  p99 ${fmt(s.p99).padStart(6)} ms  max ${fmt(s.max).padStart(7)} ms  ${fmt(s.rps, 0).padStart(5)} req/s  CPU ${fmt(s.cpu, 2)} ms/req (generator ${fmt(s.client, 2)}; whole machine ${fmt(s.machine, 2)}, ${fmt(s.busy * 100, 0)} % of one core)`);
  }
}

// Declare → channel created → card posted, from the stand-in's own clock.
await quiet();
const cardLag = slack.channels.filter((c) => c.name.includes('bench-incident-drbot')).map((ch) => {
  const created = slack.calls.find((c) => c.method === 'conversations.create' && c.args.name === ch.name && !c.error)?.at;
  const posted = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === ch.id)?.at;
  return created && posted ? posted - created : NaN;
}).filter(Number.isFinite);

console.log(`\ndrbot ack benchmark — ${new Date().toISOString()} — node ${process.version}, concurrency ${CONCURRENCY}, PostgreSQL store`);
console.log(rows.join('\n'));
for (const [name] of commands) {
  const d = result[`${name}/drbot`];
  const b = result[`${name}/bolt`];
  const target = name === 'declare' ? 'p99 ≤ ×2' : 'p99 ≤ ×1.0, throughput ≥ ×0.9';
  console.log(`/dr ${name}: drbot/bare-Bolt p50 ×${fmt(d.p50 / b.p50, 2)}, p99 ×${fmt(d.p99 / b.p99, 2)}, throughput ×${fmt(d.rps / b.rps, 2)}, CPU per request ×${fmt(d.cpu / b.cpu, 2)}, whole machine's CPU per request ×${fmt(d.machine / b.machine, 2)} (target ${target})`);
}
console.log(`load average ${loadavg().map((x) => fmt(x)).join(' ')}`);
const lag = summary(cardLag);
if (lag.n) console.log(`channel created → card posted (stand-in clock, ${lag.n} declares): p50 ${fmt(lag.p50)} ms, p99 ${fmt(lag.p99)} ms`);
console.log(`Slack stand-in violations: ${slack.violations.length}`);

generator.kill('SIGTERM');
drbot.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
await slack.close();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
process.exit(0);
