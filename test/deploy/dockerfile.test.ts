import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Copy } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ROOT } from '../helpers/paths.ts';
import { configEntries, dockerfile, envOf, execForm, read, stages } from './deployFiles.ts';

const df = dockerfile();
const all = stages(df);
const final = all.at(-1)!;
const keyword = (stage: typeof final, k: string) => stage.filter((i) => i.getKeyword() === k);
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Dockerfile', () => {
  it('is multi-stage, every stage on the same Node 22 slim image pinned to an exact release', () => {
    const froms = df.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from.getImageName()).toBe('node');
      // node:22.<minor>.<patch>-<debian>-slim: no `latest`, no bare `22` or `22-slim` that moves.
      expect(from.getImageTag()).toMatch(/^22\.\d+\.\d+-[a-z]+-slim$/);
    }
    expect(new Set(froms.map((f) => f.getImageTag())).size).toBe(1);
  });

  it('builds with the full dependency set and the project\'s own build (tsc, migrations, bundle, template)', () => {
    const build = all[0].map((i) => i.getArgumentsContent() ?? '').join('\n');
    expect(build).toMatch(/npm ci\b/);
    expect(build).toMatch(/npm run build\b/);
    const script = JSON.parse(read(join(ROOT, 'package.json'))).scripts.build as string;
    for (const step of ['tsc -p tsconfig.build.json', 'dist/store/migrations', 'scripts/bundle.mjs', 'dist/store/buildTemplate.js']) expect(script).toContain(step);
    expect(existsSync(join(ROOT, 'tsconfig.build.json'))).toBe(true);
  });

  it('runs with production dependencies only, the compiled dist/ and NODE_ENV=production', () => {
    const runs = keyword(final, 'RUN').map((i) => i.getArgumentsContent() ?? '');
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r) && r.includes('--ignore-scripts'))).toBe(true);
    expect(runs.some((r) => /\btsc\b|\btsx\b/.test(r))).toBe(false);
    const copies = keyword(final, 'COPY').map((i) => ({ from: (i as Copy).getFromFlag()?.getValue(), args: i.getArgumentsContent() ?? '' }));
    expect(copies.some((c) => c.from === df.getFROMs()[0].getBuildStage() && /\bdist\b/.test(c.args))).toBe(true);
    expect(copies.some((c) => /(^|\s)\.?\/?src\b|^\.\s/.test(c.args))).toBe(false);
    expect(envOf(final).NODE_ENV).toBe('production');
  });

  it('starts with `node dist/main.js` (exec form, so SIGTERM reaches drbot)', () => {
    const cmd = keyword(final, 'CMD').at(-1);
    const entrypoint = keyword(final, 'ENTRYPOINT').at(-1);
    const command = [...(entrypoint ? execForm(entrypoint) : []), ...(cmd ? execForm(cmd) : [])];
    expect(command).toEqual(['node', 'dist/main.js']);
  });

  it('runs as a non-root user, by number (so Kubernetes runAsNonRoot can verify it)', () => {
    const user = keyword(final, 'USER').at(-1)?.getArgumentsContent()?.trim();
    expect(user).toBeDefined();
    const [uid] = user!.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('sets the config folder and the data volume, exposes 3000', () => {
    const env = envOf(final);
    expect(env.DRBOT_CONFIG_DIR).toBe('/config');
    expect(env.DRBOT_DATA_DIR).toBe('/data');
    expect(env.DRBOT_CONSOLE).toBe('off'); // no terminal in a container
    const volumes = keyword(final, 'VOLUME').flatMap((v) => {
      const text = v.getArgumentsContent()!.trim();
      return text.startsWith('[') ? (JSON.parse(text) as string[]) : text.split(/\s+/);
    });
    expect(volumes).toContain(env.DRBOT_DATA_DIR);
    expect(keyword(final, 'EXPOSE').map((e) => e.getArgumentsContent()?.trim())).toContain('3000');
    expect(keyword(final, 'COPY').some((c) => /\s\/config\/?$/.test(c.getArgumentsContent() ?? ''))).toBe(true);
  });

  it('has a HEALTHCHECK on /healthz that needs nothing but node, and fails when nothing answers', async () => {
    const hc = keyword(final, 'HEALTHCHECK').at(-1);
    expect(hc).toBeDefined();
    const command = execForm(hc!);
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/healthz');
    // Against a port nobody listens on it must exit non-zero (it is also run against a live
    // drbot in production.test.ts).
    const port = await freePort();
    const r = spawnSync(process.execPath, command.slice(1), { env: { PORT: String(port) }, timeout: 10_000 });
    expect(r.status).toBe(1);
  });

  it('ships the repository config as the default /config, and it loads', () => {
    const entries = configEntries();
    for (const required of ['drbot.yml', 'contacts.yml', 'commands', 'notifications', 'templates']) expect(entries).toContain(required);
    const dir = mkdtempSync(join(tmpdir(), 'drbot-image-config-'));
    tmp.push(dir);
    for (const e of entries) if (existsSync(join(ROOT, e))) cpSync(join(ROOT, e), join(dir, e), { recursive: true });
    expect(() => loadConfig(dir)).not.toThrow();
  });
});

describe('.dockerignore', () => {
  const lines = read(join(ROOT, '.dockerignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('is an allowlist: the context holds no .env, node_modules, local database or tests', () => {
    expect(lines[0]).toBe('*');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const never of ['.env', 'node_modules', '.drbot', 'test', 'dist', '.git']) expect(allowed).not.toContain(never);
  });

  it('lets in everything the Dockerfile builds from, the default config included', () => {
    const allowed = new Set(lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, '')));
    for (const need of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', ...configEntries()]) {
      expect(allowed, `.dockerignore must let in ${need}`).toContain(need);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
