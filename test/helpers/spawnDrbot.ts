import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

/** A real drbot process, driven the way a person or Slack would: type lines, read output, kill it. */
export class DrbotProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>, args: string[] = []) {
    const dataDir = env.DRBOT_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'drbot-test-'));
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), PORT: '0', LOG_LEVEL: 'warn', DRBOT_DATA_DIR: dataDir, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  type(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  endInput(): void {
    this.child.stdin!.end();
  }

  /** Waits until stdout (or stderr) matches, starting after `from` characters. */
  async waitFor(pattern: RegExp, o: { timeoutMs?: number; stream?: 'stdout' | 'stderr'; from?: number } = {}): Promise<RegExpMatchArray> {
    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    for (;;) {
      const text = (o.stream === 'stderr' ? this.stderr : this.stdout).slice(o.from ?? 0);
      const m = text.match(pattern);
      if (m) return m;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`drbot never printed ${pattern} (exit ${this.child.exitCode}).\n--- stdout ---\n${this.stdout.slice(-3000)}\n--- stderr ---\n${this.stderr.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }
}

/** Kills every process in `procs` (SIGKILL, as a crash would) and waits for each to be gone; empties the list. */
export async function killAll(procs: DrbotProcess[]): Promise<void> {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
}
