/**
 * `npm run bench:statements`: the hot statements (declare, claim due steps, write outcomes) run
 * as prepared statements, against the same statements sent unnamed (parsed and planned on every
 * call), in the same run, on the local PostgreSQL (BENCH_DATABASE_URL). One connection, one
 * call at a time, alternating rounds; reports each call's time and the ratio.
 */
import pg from 'pg';
import { loadConfig } from '../src/config/load.ts';
import { planDeclare } from '../src/core/chain.ts';
import { declare } from '../src/core/incident.ts';
import type { Queryable } from '../src/store/db.ts';
import { connectPg } from '../src/store/fromPg.ts';
import { migrate } from '../src/store/migrate.ts';
import { claimDueSteps } from '../src/store/sql/claimDueSteps.ts';
import { declareIncidents, type DeclareInput } from '../src/store/sql/declareIncidents.ts';
import { finishSteps } from '../src/store/sql/finishSteps.ts';
import { fmt, summary } from './lib.ts';

const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CALLS = Number(process.env.BENCH_CALLS ?? 600);
const ROUNDS = 6;

const schema = `bench_statements_${Date.now()}`;
const admin = new pg.Client({ connectionString: DB_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const db = connectPg(DB_URL, { schema, max: 1 });
await migrate(db);
/** The same connection with the statements' `prepare` option dropped: what they cost before. */
const unnamed: Queryable = { query: (text, params) => db.query(text, params) };

const chains = loadConfig().chains;
let n = 0;
function input(): DeclareInput {
  const at = new Date();
  const { incident, event } = declare({ title: `Bench ${++n}`, severity: 1, by: 'U0BENCH', at });
  return { requestKey: `bench-${n}`, incident, event, steps: planDeclare(incident, chains, at), duplicateSince: new Date(at.getTime() - 600_000) };
}

// Steps for the claims: a pending schedule of 5,000 (none due), as the runner sees it.
for (let k = 0; k < 500; k++) await declareIncidents(db, [input()]);
await db.query('ANALYZE');

const farFuture = () => new Date(Date.now() - 3_600_000); // claims "due by" an hour ago: nothing
type Case = [name: string, call: (q: Queryable) => Promise<unknown>];
const cases: Case[] = [
  ['declare, one', (q) => declareIncidents(q, [input()])],
  ['declare, nine together', (q) => declareIncidents(q, Array.from({ length: 9 }, input))],
  ['claim, nothing due', (q) => claimDueSteps(q, { worker: 'bench', now: new Date(), leaseMs: 15_000, limit: 50, dueBy: farFuture() })],
  ['claim + finish, 10 due', async (q) => {
    const now = new Date(Date.now() + 86_400_000 * 365); // everything planted is due
    const claimed = await claimDueSteps(q, { worker: 'bench', now, leaseMs: 15_000, limit: 10 });
    await finishSteps(q, claimed.map((s) => ({ id: s.id, worker: 'bench', status: 'done', error: null, result: {}, sentAt: now })));
  }],
];

console.log(`\nprepared statements against unnamed ones — ${new Date().toISOString()} — node ${process.version}, PostgreSQL, one connection, ${CALLS} calls a case and way`);
for (const [name, call] of cases) {
  const times: Record<'prepared' | 'unnamed', number[]> = { prepared: [], unnamed: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? (['unnamed', 'prepared'] as const) : (['prepared', 'unnamed'] as const);
    for (const way of order) {
      for (let i = 0; i < CALLS / ROUNDS; i++) {
        const t = performance.now();
        await call(way === 'prepared' ? db : unnamed);
        times[way].push(performance.now() - t);
      }
    }
  }
  const p = summary(times.prepared);
  const u = summary(times.unnamed);
  console.log(`${name.padEnd(24)} prepared p50 ${fmt(p.p50, 2).padStart(6)} ms p99 ${fmt(p.p99, 2).padStart(6)} ms | unnamed p50 ${fmt(u.p50, 2).padStart(6)} ms p99 ${fmt(u.p99, 2).padStart(6)} ms | p50 ×${fmt(p.p50 / u.p50, 2)}`);
}

await db.close();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
