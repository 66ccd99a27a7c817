/**
 * `npm run bench:e2e`: drbot measured where people see it — at the Slack stand-in — with two
 * replicas (each the build, `dist/main.js`, on the same PostgreSQL schema) sharing the work.
 *
 * 1. Declare → channel created → card posted: declares sent one after another (signed HTTP,
 *    alternating replicas); from the request leaving to the card arriving at the stand-in.
 * 2. A chain step of 60 SEV-1s declared together (the chain's Slack step at T+3s): arrival of
 *    each message at the stand-in − the step's due time (read from the store).
 * 3. 5,000 `post` steps due evenly over 10 s, planted in the store: arrival − due time.
 * Lost (never arrived) and doubled (arrived twice) are counted for 2 and 3; for 3 also the
 * runner's own start − due, the CPU each process used while it ran and the Slack calls it made.
 *
 * Knobs: BENCH_DECLARE_N (60), BENCH_BURST_N (60), BENCH_BURST_ROUNDS (1: bursts one after
 * another, each reported on its own), BENCH_SPREAD_N (5000), BENCH_DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { textMessage } from '../src/core/message.ts';
import { postStep } from '../src/service/steps/post.ts';
import { connectPg } from '../src/store/fromPg.ts';
import { migrate } from '../src/store/migrate.ts';
import { declaredIncident } from '../test/helpers/declared.ts';
import { plantSteps } from '../src/store/sql/plantSteps.ts';
import { slackConfigDir, SLACK_CHANNELS } from '../test/helpers/configDir.ts';
import { postToDrbot, slashCommandBody, triggerId } from '../test/helpers/slackRequests.ts';
import { startSlackStandIn, type SlackCall } from '../test/standins/slack/server.ts';
import { drbotEntry, fmt, ROOT, startChild, summary } from './lib.ts';

const SECRET = 'bench-signing-secret-0001';
const DECLARE_N = Number(process.env.BENCH_DECLARE_N ?? 60);
const BURST_N = Number(process.env.BENCH_BURST_N ?? 60);
const BURST_ROUNDS = Number(process.env.BENCH_BURST_ROUNDS ?? 1);
const SPREAD_N = Number(process.env.BENCH_SPREAD_N ?? 5000);
const SPREAD_MS = 10_000;
const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHAIN_STEP = 'e2e-engineering';
const CHAIN_DELAY_MS = 3000;

const slack = await startSlackStandIn({ channels: Object.entries(SLACK_CHANNELS).map(([name, id]) => ({ id, name })), triggerTtlMs: 3_600_000 });
const schema = `bench_e2e_${Date.now()}`;
const admin = new pg.Client({ connectionString: DB_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const store = connectPg(DB_URL, { schema, max: 4 });
await migrate(store);

// SEV-1's chain: one Slack message to #engineering at T+3s (the other chains as shipped).
const configDir = slackConfigDir({
  'drbot.yml': (d) => ({ ...d, duplicate_window: '0s' }),
  'notifications/sev1.yml': (d) => ({ ...d, steps: [{ id: CHAIN_STEP, at: `${CHAIN_DELAY_MS / 1000}s`, kind: 'slack', channel: 'engineering', template: 'initial-notification', label: 'e2e' }] }),
});
const env = {
  SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, PORT: '0', LOG_LEVEL: 'warn',
  DATABASE_URL: `${DB_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, DRBOT_CONFIG_DIR: configDir,
};
const replicas = await Promise.all(['a', 'b'].map((name) => startChild([drbotEntry()], {
  ...env, LOG_LEVEL: 'info', DRBOT_INSTANCE_ID: `e2e-${name}`, DRBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-e2e-')),
}, /"port":(\d+)[^\n]*drbot started/)));
const bases = replicas.map((r) => `http://127.0.0.1:${r.match[1]}`);

async function declareVia(base: string, text: string): Promise<number> {
  const sent = Date.now();
  const res = await postToDrbot(base, slashCommandBody({ text, user_id: 'U0ONCALL01', channel_id: SLACK_CHANNELS.general, trigger_id: triggerId() }), { secret: SECRET });
  if (res.status !== 200) throw new Error(`${base} answered ${res.status}`);
  await res.text();
  return sent;
}

const posts = (pred: (c: SlackCall) => boolean) => slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.error && pred(c));
const mentions = (c: SlackCall, s: string) => JSON.stringify(c.args).includes(s);

/**
 * How many Slack posts so far match `pred`, looking only at calls that arrived since the last
 * look: this process is also the Slack stand-in, and re-reading thousands of calls every 50 ms
 * would take a core from the replicas being measured.
 */
function counter(pred: (c: SlackCall) => boolean): () => number {
  let seen = 0;
  let n = 0;
  return () => {
    for (; seen < slack.calls.length; seen++) {
      const c = slack.calls[seen];
      if (c.method === 'chat.postMessage' && !c.error && pred(c)) n++;
    }
    return n;
  };
}

/** Waits until `done()` or `ms` passed, then a little longer for late duplicates. */
async function settle(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1000));
}

// Warm-up (both replicas, not measured).
for (const base of bases) await declareVia(base, `declare sev3 E2E warm-up ${base.slice(-5)}`);
await settle(() => false, 2000);

// 1. Declare → card posted, one declare after another.
const cardMs: number[] = [];
const sentAt = new Map<string, number>();
for (let i = 0; i < DECLARE_N; i++) {
  const title = `E2E card ${i}`;
  sentAt.set(title, await declareVia(bases[i % 2], `declare sev3 ${title}`));
}
await settle(() => slack.channels.filter((c) => c.name.includes('e2e-card')).length >= DECLARE_N, 30_000);
for (const ch of slack.channels.filter((c) => c.name.includes('e2e-card'))) {
  const i = Number(ch.name.match(/e2e-card-(\d+)/)?.[1]);
  const card = posts((c) => c.args.channel === ch.id)[0];
  const sent = sentAt.get(`E2E card ${i}`);
  if (card && sent !== undefined) cardMs.push(card.at - sent);
}

// 2. BURST_N SEV-1s declared together: their chain step, seen at the stand-in. One burst is one
// sample of 60 (its p99 is its latest step): BURST_ROUNDS repeats it, each round on its own.
const isBurstPost = (c: SlackCall) => c.args.channel === SLACK_CHANNELS.engineering && mentions(c, 'E2E burst ');
const burstSeen = counter(isBurstPost);
const burstTitles: string[] = [];
const roundP99: number[] = [];
const burstCpu: Record<string, number>[] = [];
const roundDues: { title: string; due: number }[][] = [];
/**
 * This process's own GC pauses (it is the Slack stand-in, which stamps each arrival): a pause
 * inside a burst's window delays the stamps of the calls arriving during it.
 */
const gcPauses: { at: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
}).observe({ entryTypes: ['gc'] });
const roundGc: { n: number; ms: number; longest: number }[] = [];
for (let round = 0; round < BURST_ROUNDS; round++) {
  const titles = Array.from({ length: BURST_N }, (_, i) => `E2E burst ${round}-${String(i).padStart(4, '0')}`);
  burstTitles.push(...titles);
  const declared = Date.now();
  await Promise.all(titles.map((t, i) => declareVia(bases[i % 2], `declare sev1 ${t}`)));
  // CPU from shortly before the chain step falls due (the declares' own work is over by then).
  await new Promise((r) => setTimeout(r, Math.max(0, declared + CHAIN_DELAY_MS - 300 - Date.now())));
  const cpuAtDue = cpuByRole();
  await settle(() => burstSeen() >= burstTitles.length, CHAIN_DELAY_MS + 30_000);
  burstCpu.push(cpuByRole(cpuAtDue));
  const rows = await store.query<{ title: string; due_at: Date }>(
    `SELECT i.title, s.due_at FROM steps s JOIN incidents i ON i.id = s.incident_id WHERE s.step_id = $1 AND i.title LIKE $2`, [CHAIN_STEP, `E2E burst ${round}-%`]);
  roundP99.push(lateness(rows.map((r) => ({ key: r.title, due: new Date(r.due_at).getTime() })), posts(isBurstPost), (c) => titles.find((t) => mentions(c, t))).p99);
  {
    const from = Math.min(...rows.map((r) => new Date(r.due_at).getTime()));
    const to = Math.max(...posts(isBurstPost).filter((c) => titles.some((t) => mentions(c, t))).map((c) => c.at));
    const inside = gcPauses.filter((g) => g.at + g.ms >= from && g.at <= to);
    roundGc.push({ n: inside.length, ms: inside.reduce((a, g) => a + g.ms, 0), longest: Math.max(0, ...inside.map((g) => g.ms)) });
  }
  roundDues.push(rows.map((r) => ({ title: r.title, due: new Date(r.due_at).getTime() })));
  // For lining up a replica's `--cpu-prof` profile (its times are this monotonic clock, in µs).
  if (process.env.BENCH_DETAIL === '1') {
    const first = Math.min(...roundDues.at(-1)!.map((d) => d.due));
    console.log(`  round ${round}: first due ${first}, on the monotonic clock ${Math.round(Number(process.hrtime.bigint() / 1000n) - (Date.now() - first) * 1000)} µs`);
  }
}

// The floor, in the same run: each burst again, its due times as they were (shifted to the
// future), posted by two bare processes (bench/bareBurst.mjs) with drbot's own message bodies.
const floorP99: number[] = [];
{
  const bare = [0, 1].map(() => spawn(process.execPath, ['bench/bareBurst.mjs'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = bare.map((b) => createInterface({ input: b.stdout! })[Symbol.asyncIterator]());
  const next = async (k: number, want: string) => {
    const { value } = await lines[k].next();
    if (value !== want) throw new Error(`bareBurst said ${value}, not ${want}`);
  };
  for (const [round, dues] of roundDues.entries()) {
    const first = Math.min(...dues.map((d) => d.due));
    const start = Date.now() + 1500;
    const planned = dues.map((d, i) => {
      const drbotPost = posts(isBurstPost).find((c) => mentions(c, d.title))!;
      const key = `E2E floor ${round}-${String(i).padStart(4, '0')}`;
      const args = JSON.parse(JSON.stringify(drbotPost.args).replaceAll(d.title, key)) as Record<string, unknown>;
      for (const k of ['blocks', 'attachments']) if (Array.isArray(args[k])) args[k] = JSON.stringify(args[k]);
      return { key, at: start + (d.due - first), body: JSON.stringify(args) };
    });
    for (const k of [0, 1]) bare[k].stdin!.write(`${JSON.stringify({ url: slack.url, token: slack.botToken, warm: 30, dues: planned.filter((_, i) => i % 2 === k).map(({ at, body }) => ({ at, body })) })}\n`);
    for (const k of [0, 1]) await next(k, 'ready');
    for (const k of [0, 1]) await next(k, 'done');
    floorP99.push(lateness(planned.map((p) => ({ key: p.key, due: p.at })), posts((c) => mentions(c, 'E2E floor ')), (c) => planned.find((p) => mentions(c, p.key))?.key).p99);
  }
  for (const b of bare) b.kill();
}
const dueRows = await store.query<{ title: string; due_at: Date }>(
  `SELECT i.title, s.due_at FROM steps s JOIN incidents i ON i.id = s.incident_id WHERE s.step_id = $1 AND i.title LIKE 'E2E burst %'`, [CHAIN_STEP]);
const burst = lateness(dueRows.map((r) => ({ key: r.title, due: new Date(r.due_at).getTime() })), posts(isBurstPost), (c) => burstTitles.find((t) => mentions(c, t)));

// 3. SPREAD_N post steps due evenly over 10 s, planted directly in the store (as another replica would).
const holders = await Promise.all(Array.from({ length: 20 }, (_, k) => declaredIncident(store, { title: `E2E spread holder ${k}`, severity: 4, by: 'U0BENCH', at: new Date() })));
const t0 = Date.now() + 4000;
const planted: { key: string; due: number }[] = [];
for (let k = 0; k < holders.length; k++) {
  const plans = [];
  for (let i = k; i < SPREAD_N; i += holders.length) {
    const due = t0 + Math.floor((i * SPREAD_MS) / SPREAD_N);
    planted.push({ key: `e2e-spread-${i}`, due });
    plans.push(postStep(`spread-${i}`, 'e2e', 'engineering', textMessage([`e2e-spread-${i}.`]), new Date(due)));
  }
  await plantSteps(store, holders[k].id, plans);
}
const spreadPosts = () => posts((c) => mentions(c, 'e2e-spread-'));
const cpuBefore = cpuByRole();
const callsBefore = slack.calls.length;
const spreadSeen = counter((c) => mentions(c, 'e2e-spread-'));
await settle(() => spreadSeen() >= SPREAD_N, SPREAD_MS + 4000 + 30_000);
const cpuSpread = cpuByRole(cpuBefore);
const byMethod = new Map<string, number>();
for (const c of slack.calls.slice(callsBefore)) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
const spreadCalls = [...byMethod].map(([m, n]) => `${m} ${n}`).join(', ');
const spread = lateness(planted, spreadPosts(), (c) => JSON.stringify(c.args).match(/e2e-spread-(\d+)\./)?.[0].slice(0, -1));

/**
 * CPU seconds used so far (or since `since`) by each replica, this process (the Slack stand-in)
 * and PostgreSQL: the scheduler's own count of time on a CPU, in ns, summed over each process's
 * threads (/proc/<pid>/task/<tid>/schedstat), not /proc's 10 ms ticks, too coarse for a burst.
 */
function cpuByRole(since?: Record<string, number>): Record<string, number> {
  const ticks = (pid: number | string) => {
    try {
      return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9, 0);
    } catch {
      return 0;
    }
  };
  const postgres = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres');
    } catch {
      return false;
    }
  });
  // PostgreSQL per process (`pg <pid>`): a backend that exits in between is left out, not subtracted.
  const now: Record<string, number> = { 'replica a': ticks(replicas[0].child.pid!), 'replica b': ticks(replicas[1].child.pid!), 'bench + Slack stand-in': ticks(process.pid) };
  for (const d of postgres) now[`pg ${d}`] = ticks(d);
  if (!since) return now;
  const roles: Record<string, number> = { PostgreSQL: 0 };
  for (const [k, v] of Object.entries(now)) {
    if (k.startsWith('pg ')) roles.PostgreSQL += v - (since[k] ?? 0);
    else roles[k] = v - (since[k] ?? 0);
  }
  return roles;
}

/** Arrival − due per key; lost (never arrived) and doubled (arrived more than once). */
function lateness(due: { key: string; due: number }[], calls: SlackCall[], keyOf: (c: SlackCall) => string | undefined) {
  const arrivals = new Map<string, number[]>();
  for (const c of calls) {
    const k = keyOf(c);
    if (k) arrivals.set(k, [...(arrivals.get(k) ?? []), c.at]);
  }
  const late = due.filter((d) => arrivals.has(d.key)).map((d) => Math.min(...arrivals.get(d.key)!) - d.due);
  return {
    ...summary(late),
    lost: due.filter((d) => !arrivals.has(d.key)).length,
    doubled: [...arrivals.values()].filter((a) => a.length > 1).length,
  };
}

const worker = await store.query<{ worker: string; n: number }>(
  `SELECT result->>'worker' AS worker, count(*)::int AS n FROM steps WHERE status = 'done' AND step_id LIKE 'spread-%' GROUP BY 1 ORDER BY 1`);

const card = summary(cardMs);
console.log(`\ndrbot end-to-end benchmark — ${new Date().toISOString()} — node ${process.version}, 2 replicas, PostgreSQL, load average ${loadavg().map((x) => fmt(x)).join(' ')}`);
console.log(`declare → card posted (${card.n} declares in a row): p50 ${fmt(card.p50, 0)} ms, p99 ${fmt(card.p99, 0)} ms, max ${fmt(card.max, 0)} ms (target p99 ≤ 200 ms)`);
console.log(`chain step of ${BURST_N} SEV-1s declared together, arrival − due: p50 ${fmt(burst.p50, 0)} ms, p99 ${fmt(burst.p99, 0)} ms, max ${fmt(burst.max, 0)} ms; lost ${burst.lost}, doubled ${burst.doubled} (target p99 ≤ 10 ms)`);
console.log(`CPU from 0.3 s before the burst fell due until 1 s after its last arrival (its steps, their outcomes and the cards they changed), by round: ${burstCpu.map((c) => Object.entries(c).map(([k, v]) => `${k} ${fmt(v * 1000, 0)} ms`).join(', ')).join(' | ')}`);
console.log(`the same bursts from two bare processes (bench/bareBurst.mjs: a timer and a post each, nothing else), p99 round by round: ${floorP99.map((x) => fmt(x, 0)).join(', ')} ms; drbot ÷ bare: ${roundP99.map((x, i) => `×${fmt(x / Math.max(1, floorP99[i]), 1)}`).join(', ')}`);
console.log(`the Slack stand-in's own GC pauses (this process) from each burst's first due time to its last arrival, round by round: ${roundGc.map((g) => (g.n ? `${g.n} (${fmt(g.ms)} ms, longest ${fmt(g.longest)})` : 'none')).join(', ')}`);
if (BURST_ROUNDS > 1) console.log(`burst p99 round by round: ${roundP99.map((x) => fmt(x, 0)).join(', ')} ms (median ${fmt(summary(roundP99).p50, 0)} ms; ${roundP99.filter((x) => x <= 10).length} of ${BURST_ROUNDS} within 10 ms)`);
console.log(`${SPREAD_N} steps over 10 s, arrival − due: p50 ${fmt(spread.p50, 0)} ms, p99 ${fmt(spread.p99, 0)} ms, max ${fmt(spread.max, 0)} ms; lost ${spread.lost}, doubled ${spread.doubled} (target p99 ≤ 10 ms)`);
console.log(`CPU while the spread ran (${fmt((SPREAD_MS + 4000) / 1000, 0)}+ s, 2 cores): ${Object.entries(cpuSpread).map(([k, v]) => `${k} ${fmt(v)} s`).join(', ')}`);
console.log(`Slack calls while the spread ran: ${spreadCalls}`);
console.log(`spread steps per replica: ${worker.map((w) => `${w.worker} ${w.n}`).join(', ')}`);
console.log(`Slack stand-in violations: ${slack.violations.length}`);

const starts = await store.query<{ title: string; late: number; due: Date; worker: string }>(
  `SELECT i.title, (s.result->>'lateMs')::float AS late, s.due_at AS due, s.result->>'worker' AS worker FROM steps s JOIN incidents i ON i.id = s.incident_id WHERE s.step_id = $1 AND s.status = 'done'`, [CHAIN_STEP]);
const st = summary(starts.map((r) => r.late));
console.log(`burst: step start − due (the runner's own record): p50 ${fmt(st.p50, 0)} ms, p99 ${fmt(st.p99, 0)} ms; steps per replica: ${[...new Set(starts.map((r) => r.worker))].sort().map((w) => `${w} ${starts.filter((r) => r.worker === w).length}`).join(', ')}`);
// Start → arrival: the send itself (drawing the message, the HTTP request, the stand-in reading it).
const arrivalOf = (title: string) => posts(isBurstPost).find((c) => mentions(c, title))?.at;
const sendMs = starts.map((r) => (arrivalOf(r.title) ?? NaN) - (new Date(r.due).getTime() + r.late)).filter(Number.isFinite);
const sm = summary(sendMs);
console.log(`burst: step start → arrival at the stand-in: p50 ${fmt(sm.p50, 0)} ms, p99 ${fmt(sm.p99, 0)} ms`);
if (process.env.BENCH_DETAIL === '1') {
  const first = Math.min(...starts.map((r) => new Date(r.due).getTime()));
  for (const r of [...starts].sort((a, b) => new Date(a.due).getTime() - new Date(b.due).getTime())) {
    const due = new Date(r.due).getTime();
    console.log(`  ${r.title.slice(-4)} due +${String(due - first).padStart(4)} ms (${due})  ${r.worker}  start +${fmt(r.late, 0).padStart(3)}  arrival +${fmt((arrivalOf(r.title) ?? NaN) - due, 0).padStart(3)}`);
  }
  // What else reached the stand-in while the burst's steps were being sent.
  const lastArrival = Math.max(...posts(isBurstPost).map((c) => c.at));
  const during = slack.calls.filter((c) => c.at >= first && c.at <= lastArrival && !isBurstPost(c));
  console.log(`  other Slack calls between the first due time and the last arrival: ${during.map((c) => `${c.method} +${c.at - first}`).join(', ') || 'none'}`);
}
// How bunched the burst was: its due times, and the stand-in's arrivals (one process, one call at a time).
const span = (xs: number[]) => (xs.length ? Math.max(...xs) - Math.min(...xs) : NaN);
console.log(`burst: due times within ${fmt(span(dueRows.map((r) => new Date(r.due_at).getTime())), 0)} ms; calls reached the stand-in within ${fmt(span(posts(isBurstPost).map((c) => c.at)), 0)} ms`);
// Each burst step changes its incident, so its card is redrawn once; more is work done twice.
const burstChannels = new Set((await store.query<{ channel_id: string }>(`SELECT channel_id FROM incidents WHERE title LIKE 'E2E burst %'`)).map((r) => r.channel_id));
const firstDue = Math.min(...dueRows.map((r) => new Date(r.due_at).getTime()));
const redraws = slack.calls.filter((c) => c.method === 'chat.update' && burstChannels.has(String(c.args.channel)) && c.at >= firstDue).length;
console.log(`burst: card redraws (chat.update) from the first due time on: ${redraws} for ${burstChannels.size} cards`);
const spreadStarts = await store.query<{ late: number }>(`SELECT (result->>'lateMs')::float AS late FROM steps WHERE step_id LIKE 'spread-%' AND status = 'done'`);
const sst = summary(spreadStarts.map((r) => r.late));
console.log(`spread: step start − due (the runner's own record): p50 ${fmt(sst.p50, 0)} ms, p99 ${fmt(sst.p99, 0)} ms`);
for (const r of replicas) r.child.kill('SIGTERM');
await store.close();
await slack.close();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
process.exit(0);
