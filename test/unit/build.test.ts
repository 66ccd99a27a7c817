import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

/**
 * `npm install` builds with the package's own `build` script and `npm start` runs
 * `node dist/main.js`: do exactly that in a copy of the project (its own dist/, the real
 * node_modules linked in), so a compiled build that does not start fails the suite.
 */
const SKIP = new Set(['.git', 'node_modules', 'dist', 'test', 'bench']);
const work = mkdtempSync(join(tmpdir(), 'drbot-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the compiled build', () => {
  it('builds with `npm run build` and starts with `node dist/main.js`: console banner, /healthz, a declare', async () => {
    const project = join(work, 'drbot');
    for (const name of readdirSync(ROOT)) {
      if (!SKIP.has(name) && !name.startsWith('.drbot')) cpSync(join(ROOT, name), join(project, name), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');

    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: project, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    expect(existsSync(join(project, 'dist/main.js'))).toBe(true);
    expect(readdirSync(join(project, 'dist/store/migrations'))).toEqual(readdirSync(join(ROOT, 'src/store/migrations')));
    // The migrated PGlite dump a first start unpacks instead of running initdb (src/store/template.ts).
    expect(existsSync(join(project, 'dist/store/pglite-template.tar.gz'))).toBe(true);

    // No TypeScript loader, and the default config folder (the project root) found from dist/.
    const child = spawn(process.execPath, [join(project, 'dist/main.js')], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, PORT: '0', LOG_LEVEL: 'warn', DRBOT_CONSOLE: 'on', DRBOT_DATA_DIR: join(work, 'data') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const waitFor = async (re: RegExp) => {
      for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 50))) {
        const m = out.match(re);
        if (m) return m;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${re} (exit ${child.exitCode})\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
      }
    };
    try {
      const [, port] = await waitFor(/drbot is running \(HTTP on port (\d+), store: pglite\)/);
      await waitFor(/drbot console — you are @U0CONSOLE/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      child.stdin.write('/dr declare sev3 Compiled build check\n');
      await waitFor(/INC-1 declared — SEV-3 \w+: Compiled build check/);
      child.stdin.write('/quit\n');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);
});
