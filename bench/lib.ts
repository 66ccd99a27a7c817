import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summary(ms: number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** Runs `count` calls of `fn`, `concurrency` at a time; returns each call's latency in ms and the wall time. */
export async function load(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) {
      const t = performance.now();
      await fn(i);
      latencies.push(performance.now() - t);
    }
  }));
  return { latencies, wallMs: performance.now() - started };
}

/**
 * What a benchmark starts as drbot: the build `npm start` runs (dist/main.js), as production does.
 * Refused when a file in src/ is newer than the build, which would measure old code as new: run
 * `npm run build` first. `BENCH_FROM_SOURCE=1` runs src/main.ts through tsx instead (it costs
 * ~0.1 ms more CPU a request: README "Performance").
 */
export function drbotEntry(): string {
  if (process.env.BENCH_FROM_SOURCE === '1') return 'src/main.ts';
  const built = join(ROOT, 'dist', 'main.js');
  if (!existsSync(built)) throw new Error('no dist/main.js: run `npm run build` first (or BENCH_FROM_SOURCE=1)');
  const builtAt = statSync(built).mtimeMs;
  const newer = readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > builtAt);
  if (newer.length) throw new Error(`src/ changed after the build (${newer[0].name}…): run \`npm run build\` first (or BENCH_FROM_SOURCE=1)`);
  return 'dist/main.js';
}

/** A child process that prints `ready on <port>` (or whose stdout matches `ready`). */
export async function startChild(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...loader, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = out.match(ready);
    if (m) return { child, match: m, output: () => out };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`child ${args.join(' ')} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
