import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { alertQueries, dashboardQueries, dockerfile, execForm, exposedSeries, metricNames, stages } from './deployFiles.ts';

const run = promisify(execFile);

/**
 * What the image does, without a container engine: the production dependency set alone
 * (`npm ci --omit=dev --ignore-scripts`, as the Dockerfile's runtime stage) in a folder outside
 * the repository, the compiled dist/ beside it, and the image's exact command. A runtime import
 * of a devDependency (tsx, typescript, vitest …) fails here.
 */
describe('the production install', () => {
  const app = mkdtempSync(join(tmpdir(), 'drbot-prod-'));
  let child: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(app, { recursive: true, force: true });
  });

  it('installs production dependencies only, starts `node dist/main.js`, answers /healthz, /readyz and /metrics, and stops on SIGTERM', async () => {
    // Nothing above the folder may lend it modules (Node looks in every parent's node_modules).
    for (let d = dirname(app); d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);

    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    const install = run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app, env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024,
    });
    const compile = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(app, 'dist')], { cwd: ROOT });
    await Promise.all([install, compile]);
    mkdirSync(join(app, 'dist', 'store', 'migrations'), { recursive: true });
    for (const f of readdirSync(join(ROOT, 'src', 'store', 'migrations')).filter((f) => f.endsWith('.sql'))) {
      copyFileSync(join(ROOT, 'src', 'store', 'migrations', f), join(app, 'dist', 'store', 'migrations', f));
    }
    // The bundled dist/main.js (package.json "build"): what it leaves out must be a production dependency.
    await run(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), join(app, 'dist')], { cwd: ROOT });
    for (const dev of ['typescript', 'vitest', 'dockerfile-ast']) expect(existsSync(join(app, 'node_modules', dev)), `${dev} must not be installed`).toBe(false);

    // The image's command and environment; stdin is closed as in a container without -i.
    const image = stages(dockerfile()).at(-1)!;
    const cmd = execForm(image.filter((i) => i.getKeyword() === 'CMD').at(-1)!);
    expect(cmd).toEqual(['node', 'dist/main.js']);
    let out = '';
    child = spawn(process.execPath, cmd.slice(1), {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '', HOME: app, NODE_ENV: 'production',
        DRBOT_CONFIG_DIR: ROOT, DRBOT_DATA_DIR: join(app, 'data'), DRBOT_CONSOLE: 'off', PORT: '0', LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));

    const port = await waitFor(() => {
      if (child!.exitCode !== null) throw new Error(`drbot exited with ${child!.exitCode}:\n${out.slice(-4000)}`);
      const m = out.match(/"port":(\d+)[^\n]*"msg":"drbot started"/);
      return m ? Number(m[1]) : undefined;
    }, 90_000, () => out);
    const base = `http://127.0.0.1:${port}`;

    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status, await readyz.clone().text()).toBe(200);

    // The image's HEALTHCHECK command, as Docker runs it.
    const hc = execForm(image.filter((i) => i.getKeyword() === 'HEALTHCHECK').at(-1)!);
    const check = spawnSync(process.execPath, hc.slice(1), { env: { PORT: String(port) }, timeout: 10_000 });
    expect(check.status).toBe(0);

    // Every metric the alert rules and the dashboard read is one drbot exports.
    const exposed = exposedSeries(await (await fetch(`${base}/metrics`)).text());
    exposed.add('up'); // written by Prometheus for every scrape
    const missing = [...alertQueries(), ...dashboardQueries()].flatMap((q) => metricNames(q.expr).filter((n) => !exposed.has(n)).map((n) => `${q.where}: ${n}`));
    expect(missing).toEqual([]);

    // With stdin closed and no Slack credentials, it keeps serving (a container has no console).
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running 15 s after SIGTERM'), 15_000))])).toBe(0);
  }, 240_000);
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`drbot did not start in ${timeoutMs} ms:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
