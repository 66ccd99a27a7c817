import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { DrbotProcess } from '../helpers/spawnDrbot.ts';

/** What drbot itself wrote on stderr (Node and the AWS SDK may print warnings of their own). */
const drbotSaid = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('drbot'));

/** `npm start` refusing what it cannot run with: one line on stderr, exit 78 (EX_CONFIG), no stack. */
describe('npm start with a setting it cannot use', () => {
  let p: DrbotProcess | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    p?.kill('SIGKILL');
    await p?.exited;
    await new Promise<void>((r) => (blocker?.listening ? blocker.close(() => r()) : r()));
  });

  it('a PORT in use', async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, r));
    const port = (blocker.address() as { port: number }).port;
    p = new DrbotProcess({ PORT: String(port), DRBOT_CONSOLE: 'off' });
    expect(await p.exited).toBe(78);
    expect(drbotSaid(p.stderr)).toEqual([`drbot cannot start: PORT ${port} is already in use: stop the other process or set PORT to a free port`]);
    expect(p.stderr).not.toMatch(/^\s+at /m);
  });

  it('a DATABASE_URL that is not a PostgreSQL URL, its password masked', async () => {
    p = new DrbotProcess({ DATABASE_URL: 'mysql://drbot:hunter2@db.internal/drbot' });
    expect(await p.exited).toBe(78);
    expect(drbotSaid(p.stderr)).toEqual(['drbot cannot start: environment: DATABASE_URL must be a postgres:// or postgresql:// URL with a host (got "mysql://drbot:****@db.internal/drbot")']);
    expect(p.stderr).not.toContain('hunter2');
  });

  it('npm run check-config refuses the same environment npm start would (it said OK before)', async () => {
    const run = (env: Record<string, string>) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/checkConfig.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } }, (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
    });
    const bad = await run({ DATABASE_URL: 'postgres//nohost', REDIS_URL: 'http://cache:6379', PORT: 'abc' });
    expect(bad.code).toBe(78);
    expect(bad.stdout).toBe('');
    expect(drbotSaid(bad.stderr)).toEqual(['drbot cannot start: the configuration is broken.']);
    expect(bad.stderr).toContain('  - environment: PORT must be a whole number from 0 to 65535 (got "abc")\n');
    expect(bad.stderr).toContain('  - environment: DATABASE_URL must be a postgres:// or postgresql:// URL with a host (got "postgres//nohost")\n');
    expect(bad.stderr).toContain('  - environment: REDIS_URL must be a redis:// or rediss:// URL (got "http://cache:6379/")\n');
    const good = await run({ DATABASE_URL: 'postgres://drbot@db.internal/drbot', REDIS_URL: 'redis://cache:6379' });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^Config OK: /);
  });
});
