/**
 * `npm run bench:scheduler`: drbot's durable schedule against BullMQ (local Redis) and
 * graphile-worker (local PostgreSQL), in the same run. Two scenarios: 5,000 timers due evenly
 * over 10 s, then 20,000 due at once; each with one worker and with two competing. Reports
 * lateness (start − due) p50/p99/max, drain throughput, lost and duplicated runs.
 */
import pg from 'pg';
import pino from 'pino';
import { Queue, Worker } from 'bullmq';
import { run as runGraphile, makeWorkerUtils } from 'graphile-worker';
import { createPrometheusMetrics } from '../src/adapters/prometheus/index.ts';
import { StepRunner } from '../src/scheduler/runner.ts';
import { DEFAULT_RUNNER_OPTIONS } from '../src/scheduler/runnerOptions.ts';
import { defineStep, type StepKind } from '../src/service/steps/define.ts';
import { z } from 'zod';
import type { AppContext } from '../src/service/context.ts';
import { connectPg } from '../src/store/fromPg.ts';
import { migrate } from '../src/store/migrate.ts';
import { declaredIncident } from '../test/helpers/declared.ts';
import { plantSteps } from '../src/store/sql/plantSteps.ts';
import { fmt, summary } from './lib.ts';

const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = { host: '127.0.0.1', port: 6379 };
const SPREAD_N = Number(process.env.BENCH_SPREAD_N ?? 5000);
const BURST_N = Number(process.env.BENCH_BURST_N ?? 20000);
const SPREAD_MS = 10_000;
/** Every system gets its timers planted well before the first one falls due. */
const LEAD_MS = 4000;
const leadFor = (n: number) => LEAD_MS + n; // big bursts take longer to plant (1 ms a timer is plenty)

interface Scenario { name: string; n: number; dueAt: (i: number, t0: number) => number }
const scenarios: Scenario[] = [
  { name: `${SPREAD_N} over 10 s`, n: SPREAD_N, dueAt: (i, t0) => t0 + (i * SPREAD_MS) / SPREAD_N },
  { name: `${BURST_N} at once`, n: BURST_N, dueAt: (_i, t0) => t0 },
];

interface Outcome { late: number[]; runs: Map<number, number>; lastAt: number; plantedLate?: boolean }
const now = () => performance.timeOrigin + performance.now();

function record(o: Outcome, id: number, due: number): void {
  const t = now();
  o.late.push(t - due);
  o.runs.set(id, (o.runs.get(id) ?? 0) + 1);
  o.lastAt = Math.max(o.lastAt, t);
}

async function waitDone(o: Outcome, n: number, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  while (o.runs.size < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300)); // late duplicates would show up here
}

async function freshSchema(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await c.query(`CREATE SCHEMA ${name}`);
  await c.end();
  return name;
}

// ---- drbot ------------------------------------------------------------------------------
async function drbot(s: Scenario, workers: number, o2: { notices?: boolean } = {}): Promise<Outcome> {
  const schema = await freshSchema('bench_drbot');
  const o: Outcome = { late: [], runs: new Map(), lastAt: 0 };
  const planter = connectPg(DB_URL, { schema, max: 4 });
  await migrate(planter);
  // What the `/dr status` cache's notices (migration 000023) cost the schedule: the triggers off.
  if (o2.notices === false) await planter.exec('DROP TRIGGER steps_inserted ON steps; DROP TRIGGER steps_updated ON steps; DROP TRIGGER steps_deleted ON steps;');
  // 500 incidents: steps of one incident run in order, different incidents side by side.
  const incidents = [];
  for (let k = 0; k < 500; k++) incidents.push(await declaredIncident(planter, { title: `bench ${k}`, severity: 3, by: 'U0BENCH', at: new Date() }));
  const runners = Array.from({ length: workers }, (_, w) => {
    const db = connectPg(DB_URL, { schema, max: 10 });
    const ctx = { db, clock: { now: () => new Date() }, metrics: createPrometheusMetrics().metrics, log: pino({ level: 'silent' }) } as unknown as AppContext;
    const benchKind = defineStep({
      kind: 'bench',
      params: z.object({ i: z.number(), due: z.number() }),
      run: async (_c, step) => {
        record(o, step.params.i, step.params.due);
        return { status: 'done', detail: 'ok' };
      },
    });
    const runner = new StepRunner(ctx, new Map([[benchKind.kind, benchKind as StepKind]]), { ...DEFAULT_RUNNER_OPTIONS, worker: `w${w}`, batch: Number(process.env.BENCH_BATCH ?? DEFAULT_RUNNER_OPTIONS.batch), idleMs: 1000 });
    return { runner, db };
  });
  for (const r of runners) r.runner.start();
  const t0 = Date.now() + leadFor(s.n);
  const plans = Array.from({ length: s.n }, (_, i) => ({ i, due: s.dueAt(i, t0) }));
  for (let k = 0; k < incidents.length; k++) {
    const mine = plans.filter((p) => p.i % incidents.length === k);
    await plantSteps(planter, incidents[k].id, mine.map((p) => ({ stepId: `s${p.i}`, kind: 'bench', source: 'system', label: 'bench', dueAt: new Date(p.due), params: { i: p.i, due: p.due } })));
  }
  o.plantedLate = Date.now() > t0;
  runners.forEach((r) => r.runner.wake());
  await waitDone(o, s.n, 120_000);
  for (const r of runners) {
    await r.runner.stop();
    await r.db.close();
  }
  await planter.close();
  return o;
}

// ---- BullMQ -----------------------------------------------------------------------------
async function bullmq(s: Scenario, workers: number): Promise<Outcome> {
  const o: Outcome = { late: [], runs: new Map(), lastAt: 0 };
  const name = `bench-${Date.now()}`;
  const queue = new Queue(name, { connection: REDIS });
  const ws = Array.from({ length: workers }, () => new Worker(name, async (job) => record(o, job.data.i, job.data.due), { connection: REDIS, concurrency: 50 }));
  const t0 = Date.now() + leadFor(s.n);
  const jobs = Array.from({ length: s.n }, (_, i) => {
    const due = s.dueAt(i, t0);
    return { name: 'bench', data: { i, due }, opts: { delay: Math.max(0, due - Date.now()), removeOnComplete: true, jobId: `j${i}` } };
  });
  for (let k = 0; k < jobs.length; k += 1000) await queue.addBulk(jobs.slice(k, k + 1000));
  o.plantedLate = Date.now() > t0;
  await waitDone(o, s.n, 120_000);
  await Promise.all(ws.map((w) => w.close()));
  await queue.obliterate({ force: true });
  await queue.close();
  return o;
}

// ---- graphile-worker --------------------------------------------------------------------
async function graphile(s: Scenario, workers: number): Promise<Outcome> {
  const schema = await freshSchema('bench_graphile');
  const o: Outcome = { late: [], runs: new Map(), lastAt: 0 };
  const logFactory = () => () => undefined;
  const { Logger } = await import('graphile-worker');
  const logger = new Logger(logFactory);
  const utils = await makeWorkerUtils({ connectionString: DB_URL, schema, logger });
  await utils.migrate();
  const runners = await Promise.all(Array.from({ length: workers }, () => runGraphile({
    connectionString: DB_URL, schema, concurrency: 10, pollInterval: 500, noHandleSignals: true, logger,
    taskList: { bench: async (p) => record(o, (p as { i: number }).i, (p as { due: number }).due) },
  })));
  const t0 = Date.now() + leadFor(s.n);
  const specs = Array.from({ length: s.n }, (_, i) => ({ payload: { i, due: s.dueAt(i, t0) }, run_at: new Date(s.dueAt(i, t0)).toISOString() }));
  // Bulk insert through graphile-worker's own add_job (0.16 has no addJobs).
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  for (let k = 0; k < specs.length; k += 2000) {
    await c.query(`SELECT ${schema}.add_job('bench', x.payload, run_at => x.run_at) FROM jsonb_to_recordset($1::jsonb) AS x(payload json, run_at timestamptz)`, [JSON.stringify(specs.slice(k, k + 2000))]);
  }
  await c.end();
  o.plantedLate = Date.now() > t0;
  await waitDone(o, s.n, 120_000);
  await Promise.all(runners.map((r) => r.stop()));
  await utils.release();
  return o;
}

const ALL: [string, (s: Scenario, w: number) => Promise<Outcome>][] = [['drbot', drbot], ['BullMQ', bullmq], ['graphile-worker', graphile]];
// Only on request (BENCH_ONLY=drbot,drbot-no-notices): drbot with the change notices' triggers dropped.
const EXTRA: typeof ALL = [['drbot-no-notices', (s, w) => drbot(s, w, { notices: false })]];
const only = process.env.BENCH_ONLY?.split(',');
const systems = only ? [...ALL, ...EXTRA].filter(([n]) => only.includes(n)) : ALL;
console.log(`scheduler benchmark — ${new Date().toISOString()} — node ${process.version}`);
const table: Record<string, Record<string, number>> = {};
for (const s of scenarios) {
  for (const workers of [1, 2]) {
    for (const [name, fn] of systems) {
      const o = await fn(s, workers);
      const l = summary(o.late);
      const dup = [...o.runs.values()].filter((c) => c > 1).length;
      const lost = s.n - o.runs.size;
      const drainPerSec = s.name.includes('at once') ? (o.runs.size / Math.max(1, l.max)) * 1000 : NaN;
      table[`${s.name}/${workers}/${name}`] = { p99: l.p99 };
      console.log(`${s.name.padEnd(16)} ${workers} worker${workers > 1 ? 's' : ' '} ${name.padEnd(16)} lateness p50 ${fmt(l.p50).padStart(8)} ms  p99 ${fmt(l.p99).padStart(8)} ms  max ${fmt(l.max).padStart(8)} ms${Number.isFinite(drainPerSec) ? `  drain ${fmt(drainPerSec, 0).padStart(6)}/s` : '               '}  lost ${lost}  duplicated ${dup}${o.plantedLate ? '  (planting overran the lead time)' : ''}`);
    }
  }
}
const others = systems.map(([n]) => n).filter((n) => n !== 'drbot');
if (others.length) console.log('\np99 lateness, drbot relative to the best other system in the same row:');
for (const s of others.length ? scenarios : []) for (const workers of [1, 2]) {
  const row = (n: string) => table[`${s.name}/${workers}/${n}`]?.p99 ?? NaN;
  const best = Math.min(...others.map(row).filter(Number.isFinite));
  console.log(`  ${s.name}, ${workers} worker(s): drbot ×${fmt(row('drbot') / best, 2)} of the best of ${others.join(', ')} (${fmt(best)} ms)`);
}
process.exit(0);
