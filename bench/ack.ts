/**
 * `npm run bench`: how fast drbot acks Slack, against a bare Bolt app that only acks, in the
 * same run and on the same machine. Both get the same signed `/dr` requests over HTTP; drbot
 * runs on PostgreSQL (DATABASE_URL, default the local test database) with its scheduler on.
 * Also: declare → channel created → card posted, as seen by the Slack stand-in.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { slackConfigDir, SLACK_CHANNELS } from '../test/helpers/configDir.ts';
import { postToDrbot, slashCommandBody, triggerId } from '../test/helpers/slackRequests.ts';
import { startSlackStandIn } from '../test/standins/slack/server.ts';
import { drbotEntry, fmt, load, startChild, summary } from './lib.ts';

const SECRET = 'bench-signing-secret-0001';
const STATUS_N = Number(process.env.BENCH_STATUS_N ?? 1000);
const DECLARE_N = Number(process.env.BENCH_DECLARE_N ?? 200);
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
const targets = { drbot: `http://127.0.0.1:${drbot.match[1]}`, bolt: `http://127.0.0.1:${bare.match[1]}` };
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

async function send(base: string, text: string): Promise<void> {
  const res = await postToDrbot(base, slashCommandBody({ text, user_id: 'U0ONCALL01', channel_id: SLACK_CHANNELS.general, trigger_id: triggerId() }), { secret: SECRET });
  if (res.status !== 200) throw new Error(`${base} answered ${res.status}`);
  await res.text();
}

// One incident for `/dr status INC-1`, and a warm-up for both.
await send(targets.drbot, 'declare sev3 Benchmark warm-up incident');
for (const base of Object.values(targets)) await load(100, CONCURRENCY, () => send(base, 'status INC-1'));

/** Waits until drbot's background sends (steps after a declare) are over, so no round pays for another's work. */
async function quiet(): Promise<void> {
  for (let last = slack.calls.length; ; last = slack.calls.length) {
    await new Promise((r) => setTimeout(r, 300));
    if (slack.calls.length === last) return;
  }
}

// Rounds alternate between the two targets (and which goes first), so the machine's noise
// falls on both alike; latencies are pooled per target.
const ROUNDS = 5;
const rows: string[] = [];
const result: Record<string, ReturnType<typeof summary> & { rps: number; cpu: number }> = {};
const commands = ([['help', 'help', STATUS_N], ['status', 'status INC-1', STATUS_N], ['declare', 'declare sev3 Bench incident', DECLARE_N]] as const).filter(([name]) => COMMANDS.includes(name));
for (const [name, text, n] of commands) {
  const pooled: Record<string, { latencies: number[]; wallMs: number; cpuMs: number }> = { drbot: { latencies: [], wallMs: 0, cpuMs: 0 }, bolt: { latencies: [], wallMs: 0, cpuMs: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? (['bolt', 'drbot'] as const) : (['drbot', 'bolt'] as const);
    for (const target of order) {
      const per = Math.ceil(n / ROUNDS);
      const cpuBefore = cpuMs(pids[target]);
      const r = await load(per, CONCURRENCY, (i) => send(targets[target], name === 'declare' ? `${text} ${target} ${round} ${i}` : text));
      pooled[target].cpuMs += cpuMs(pids[target]) - cpuBefore;
      pooled[target].latencies.push(...r.latencies);
      pooled[target].wallMs += r.wallMs;
      await quiet();
    }
  }
  for (const target of ['drbot', 'bolt'] as const) {
    const p = pooled[target];
    const s = { ...summary(p.latencies), rps: (p.latencies.length / p.wallMs) * 1000, cpu: p.cpuMs / p.latencies.length };
    result[`${name}/${target}`] = s;
    rows.push(`${`/dr ${name}`.padEnd(12)} ${target.padEnd(6)} n=${String(s.n).padEnd(5)} p50 ${fmt(s.p50).padStart(6)} ms  p99 ${fmt(s.p99).padStart(6)} ms  max ${fmt(s.max).padStart(7)} ms  ${fmt(s.rps, 0).padStart(5)} req/s  CPU ${fmt(s.cpu, 2)} ms/req`);
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
  console.log(`/dr ${name}: drbot/bare-Bolt p50 ×${fmt(d.p50 / b.p50, 2)}, p99 ×${fmt(d.p99 / b.p99, 2)}, throughput ×${fmt(d.rps / b.rps, 2)}, CPU per request ×${fmt(d.cpu / b.cpu, 2)} (target ${target})`);
}
console.log(`load average ${loadavg().map((x) => fmt(x)).join(' ')}`);
const lag = summary(cardLag);
if (lag.n) console.log(`channel created → card posted (stand-in clock, ${lag.n} declares): p50 ${fmt(lag.p50)} ms, p99 ${fmt(lag.p99)} ms`);
console.log(`Slack stand-in violations: ${slack.violations.length}`);

drbot.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
await slack.close();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
process.exit(0);
