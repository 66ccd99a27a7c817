import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ROOT } from '../helpers/paths.ts';
import { ENV_EXAMPLE, envFile, read, readYaml } from './deployFiles.ts';

const compose = readYaml(join(ROOT, 'docker-compose.yml'));
const services: Record<string, any> = compose.services; // eslint-disable-line @typescript-eslint/no-explicit-any
const drbot = services.drbot;
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Short-syntax volumes `host:container[:mode]` as objects, long syntax as it is. */
function volumes(service: any): { source: string; target: string; readOnly: boolean }[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (service.volumes ?? []).map((v: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (typeof v !== 'string') return { source: v.source, target: v.target, readOnly: v.read_only === true };
    const [source, target, mode = ''] = v.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro') };
  });
}

const envFiles = (service: any): string[] => // eslint-disable-line @typescript-eslint/no-explicit-any
  [service.env_file ?? []].flat().map((e: string | { path: string }) => (typeof e === 'string' ? e : e.path));

describe('docker-compose.yml', () => {
  it('runs two drbot replicas from the Dockerfile', () => {
    expect(drbot).toBeDefined();
    expect(drbot.build === '.' || drbot.build?.context === '.').toBe(true);
    expect(drbot.deploy?.replicas).toBe(2);
    expect(drbot.container_name).toBeUndefined(); // a fixed name would stop the second replica
    expect(drbot.ports).toBeUndefined(); // the replicas are reached through the load balancer only
  });

  it('puts one load balancer in front of them, on one published port, with its config under deploy/compose/', () => {
    const lbs = Object.entries(services).filter(([name, s]) => name !== 'drbot' && (s.ports ?? []).length > 0);
    expect(lbs).toHaveLength(1);
    const [, lb] = lbs[0];
    expect(lb.depends_on?.drbot?.condition).toBe('service_healthy');
    const conf = volumes(lb).find((v) => v.source.startsWith('./deploy/compose/'));
    expect(conf, 'the load balancer mounts its config from deploy/compose/').toBeDefined();
    expect(conf!.readOnly).toBe(true);
    expect(read(join(ROOT, conf!.source))).toMatch(/server\s+drbot:3000\b/);
  });

  it('has PostgreSQL and Redis with health checks, and drbot waits for both to be healthy', () => {
    for (const name of ['postgres', 'redis']) {
      expect(services[name], name).toBeDefined();
      expect(services[name].healthcheck?.test, `${name} health check`).toBeDefined();
      expect(drbot.depends_on?.[name]?.condition, `drbot depends_on ${name}`).toBe('service_healthy');
    }
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck.test.join(' ')).toContain('redis-cli ping');
  });

  it('gives the replicas DATABASE_URL and REDIS_URL pointing at those services', () => {
    expect(drbot.environment.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/[^@]+@postgres:5432\/\w+$/);
    expect(drbot.environment.REDIS_URL).toMatch(/^redis:\/\/redis:6379\b/);
    expect(drbot.environment.DRBOT_CONFIG_DIR).toBe('/config');
  });

  it('pins every image to a version (no latest)', () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.image || s.build) continue;
      expect(s.image, name).toMatch(/^[\w./-]+:\d+(\.\d+)+[\w.-]*$/);
    }
  });

  it('reads secrets from an env file that git ignores, and that the example documents', () => {
    const files = envFiles(drbot);
    expect(files).toEqual(['.env']);
    const ignored = read(join(ROOT, '.gitignore')).split('\n').map((l) => l.trim());
    for (const f of files) expect(ignored, `.gitignore must list ${f}`).toContain(f);
    // Every ${VAR} compose interpolates (it reads .env for that too) is in the example.
    const example = envFile(ENV_EXAMPLE).set;
    const interpolated = [...read(join(ROOT, 'docker-compose.yml')).matchAll(/\$\{(\w+)/g)].map((m) => m[1]);
    expect(interpolated.length).toBeGreaterThan(0);
    for (const v of interpolated) expect(Object.keys(example), `${v} in deploy/drbot.env.example`).toContain(v);
  });

  it('commits the example env file and not the real one', () => {
    const tracked = execFileSync('git', ['ls-files', '--', 'deploy/drbot.env.example', '.env'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(tracked).toEqual(['deploy/drbot.env.example']);
  });

  it('mounts the config folder read-only, and what it mounts is a config drbot loads', () => {
    const config = volumes(drbot).filter((v) => v.target === '/config' || v.target.startsWith('/config/'));
    expect(config.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'drbot-compose-config-'));
    tmp.push(dir);
    for (const v of config) {
      expect(v.readOnly, `${v.source}:${v.target} must be :ro`).toBe(true);
      expect(existsSync(join(ROOT, v.source)), v.source).toBe(true);
      const dest = join(dir, v.target.slice('/config'.length));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(join(ROOT, v.source), dest, { recursive: true });
    }
    expect(() => loadConfig(dir)).not.toThrow();
  });

  it('keeps the replicas read-only apart from /tmp and the data volume', () => {
    expect(drbot.read_only).toBe(true);
    expect(drbot.tmpfs).toContain('/tmp');
  });
});
