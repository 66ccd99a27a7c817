/**
 * `npm run bench:startup`: how long `node dist/main.js` takes to answer `/healthz`, and how much
 * memory the whole process holds (VmRSS from /proc/<pid>/status) once started and after idling.
 * The embedded default with nothing configured (no Slack, no DATABASE_URL, DRBOT_CONSOLE=off),
 * on a warm data dir (a database already there) and on a fresh one (empty folder).
 *
 * Rounds alternate the cases, so the machine's noise falls on all of them alike; the floor is a
 * bare `http.createServer` in a fresh Node process (what any Node server pays before its own
 * work). `BENCH_BASELINE_DIST=/path/to/other/dist` adds another build (an earlier commit) to
 * every round, for before/after ratios measured in the same run.
 *
 * Knobs: BENCH_STARTUP_N (rounds, default 7), BENCH_IDLE_MS (idle before the second RSS reading,
 * default 5000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, ROOT, summary } from './lib.ts';

const N = Number(process.env.BENCH_STARTUP_N ?? 7);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5000);
const BASELINE = process.env.BENCH_BASELINE_DIST;
const FLOOR = "require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT)";

interface Case { name: string; args: string[]; dataDir?: 'warm' | 'fresh' }
const cases: Case[] = [
  { name: 'floor (bare node http)', args: ['-e', FLOOR] },
  { name: 'drbot, warm data dir', args: [join(ROOT, 'dist/main.js')], dataDir: 'warm' },
  { name: 'drbot, fresh data dir', args: [join(ROOT, 'dist/main.js')], dataDir: 'fresh' },
  ...(BASELINE ? [
    { name: 'baseline, warm data dir', args: [join(BASELINE, 'main.js')], dataDir: 'warm' as const },
    { name: 'baseline, fresh data dir', args: [join(BASELINE, 'main.js')], dataDir: 'fresh' as const },
  ] : []),
];

const scratch = mkdtempSync(join(tmpdir(), 'drbot-bench-startup-'));
const warmDirs = new Map<string, string>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

function rssMiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function healthy(port: number, path: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** An environment with none of drbot's integrations configured. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(SLACK_|PAGERDUTY_|SMTP_|GITHUB_|STATUSPAGE_|AWS_|DATABASE_URL|REDIS_URL|DRBOT_)/.test(k)) env[k] = v;
  }
  return { ...env, DRBOT_CONSOLE: 'off', LOG_LEVEL: 'warn', ...extra };
}

async function once(c: Case): Promise<{ ms: number; rssStart: number; rssIdle: number }> {
  const port = await freePort();
  let dataDir: string | undefined;
  if (c.dataDir === 'fresh') dataDir = mkdtempSync(join(scratch, 'fresh-'));
  if (c.dataDir === 'warm') dataDir = warmDirs.get(c.args[0]);
  try {
    return await runOnce(c, dataDir, port);
  } finally {
    if (c.dataDir === 'fresh' && dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runOnce(c: Case, dataDir?: string, port?: number, idleMs = IDLE_MS): Promise<{ ms: number; rssStart: number; rssIdle: number }> {
  port ??= await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, c.args, {
    cwd: ROOT, env: bareEnv({ PORT: String(port), ...(dataDir ? { DRBOT_DATA_DIR: dataDir } : {}) }), stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  try {
    const path = c.args[0] === '-e' ? '/' : '/healthz';
    while (!(await healthy(port, path))) {
      if (child.exitCode !== null) throw new Error(`${c.name} exited ${child.exitCode}: ${err}`);
      if (performance.now() - started > 120_000) throw new Error(`${c.name} did not answer in 120 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - started;
    const rssStart = rssMiB(child.pid!);
    await new Promise((r) => setTimeout(r, idleMs));
    return { ms, rssStart, rssIdle: rssMiB(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const results = new Map<string, { ms: number[]; rssStart: number[]; rssIdle: number[] }>(cases.map((c) => [c.name, { ms: [], rssStart: [], rssIdle: [] }]));
const loads: number[] = [];
// Warm data dirs are made before the first round (not timed).
for (const c of cases.filter((x) => x.dataDir === 'warm')) {
  const dir = mkdtempSync(join(scratch, 'warm-'));
  warmDirs.set(c.args[0], dir);
  await runOnce(c, dir, undefined, 0);
}
for (let round = 0; round < N; round++) {
  // Rotate the order every round.
  const order = cases.map((_, i) => cases[(i + round) % cases.length]);
  for (const c of order) {
    loads.push(loadavg()[0]);
    const r = await once(c);
    const acc = results.get(c.name)!;
    acc.ms.push(r.ms);
    acc.rssStart.push(r.rssStart);
    acc.rssIdle.push(r.rssIdle);
  }
}
rmSync(scratch, { recursive: true, force: true });

const med = (xs: number[]) => summary(xs).p50;
const floor = med(results.get(cases[0].name)!.ms);
console.log(`\ndrbot start-up benchmark — ${new Date().toISOString()} — node ${process.version}, ${N} rounds, load average ${fmt(Math.min(...loads))}–${fmt(Math.max(...loads))} (median ${fmt(med(loads))})`);
console.log('case'.padEnd(26), 'start→200 median (min–max)'.padEnd(30), '×floor', '  RSS at start', '  RSS after idle');
for (const c of cases) {
  const r = results.get(c.name)!;
  const s = summary(r.ms);
  console.log(
    c.name.padEnd(26),
    `${fmt(s.p50, 0)} ms (${fmt(Math.min(...r.ms), 0)}–${fmt(s.max, 0)})`.padEnd(30),
    `×${fmt(s.p50 / floor, 2)}`.padStart(6),
    `${fmt(med(r.rssStart), 0)} MiB`.padStart(15),
    `${fmt(med(r.rssIdle), 0)} MiB (${IDLE_MS / 1000} s)`.padStart(17),
  );
}
if (BASELINE) {
  for (const d of ['warm', 'fresh']) {
    const now = results.get(`drbot, ${d} data dir`)!;
    const then = results.get(`baseline, ${d} data dir`)!;
    console.log(`${d}: this build / baseline — start ×${fmt(med(now.ms) / med(then.ms), 2)}, RSS after idle ×${fmt(med(now.rssIdle) / med(then.rssIdle), 2)}`);
  }
}
process.exit(0);
