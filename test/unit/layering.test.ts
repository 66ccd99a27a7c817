import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

/** The layering rules (README "Layout"), checked on every import in src/ (what dependency-cruiser would do). */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
const SRC = join(ROOT, 'src');
const sources = files(SRC).map((f) => {
  const text = readFileSync(f, 'utf8');
  const imports = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm), ...text.matchAll(/import\('([^']+)'\)/g)].map((m) => m[1]);
  // Type-only imports vanish at run time; the port definitions may be named by any layer.
  const typeOnly = [...text.matchAll(/^\s*import type [^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
  return { path: relative(SRC, f), text, imports, typeOnly };
});
const resolved = (from: string, spec: string) => (spec.startsWith('.') ? relative(SRC, join(SRC, from, '..', spec)) : spec);
/** ports.ts (outbound) and service/io.ts (inbound: what a transport hands the application). */
const PORT_FILES = ['ports.ts', 'service/io.ts'];
const isPortType = (s: { path: string; typeOnly: string[] }, spec: string) => s.typeOnly.includes(spec) && PORT_FILES.includes(resolved(s.path, spec));

const SDK_HOME: Record<string, string> = {
  '@slack/bolt': 'adapters/slack/', '@pagerduty/pdjs': 'adapters/pagerduty/', '@octokit/rest': 'adapters/github/',
  '@aws-sdk/client-route-53': 'adapters/route53/', nodemailer: 'adapters/email/', ioredis: 'adapters/redis/',
  pg: 'store/', '@electric-sql/pglite': 'store/',
};

describe('layering', () => {
  it('the core imports nothing but the core: no adapter, store, SDK or node: module', () => {
    const bad = sources.filter((s) => s.path.startsWith('core/')).flatMap((s) => s.imports.filter((i) => !resolved(s.path, i).startsWith('core/') && !isPortType(s, i)).map((i) => `${s.path} imports ${i}`));
    expect(bad).toEqual([]);
  });

  it('adapters never import each other, the store or the use cases', () => {
    const bad = sources.filter((s) => s.path.startsWith('adapters/')).flatMap((s) => {
      const own = s.path.split('/').slice(0, 2).join('/');
      return s.imports.filter((i) => !isPortType(s, i)).map((i) => resolved(s.path, i))
        .filter((r) => (r.startsWith('adapters/') && !r.startsWith(`${own}/`)) || r.startsWith('store/') || r.startsWith('service/')).map((r) => `${s.path} imports ${r}`);
    });
    expect(bad).toEqual([]);
  });

  it('each SDK is imported by its one adapter only', () => {
    const bad = sources.flatMap((s) => s.imports.filter((i) => i in SDK_HOME && !s.path.startsWith(SDK_HOME[i])).map((i) => `${s.path} imports ${i}`));
    expect(bad).toEqual([]);
  });

  it('only the store speaks SQL', () => {
    const sql = /`\s*(SELECT\s|INSERT INTO|UPDATE\s+\w+\s+SET|DELETE FROM|CREATE TABLE)/;
    const bad = sources.filter((s) => !s.path.startsWith('store/') && sql.test(s.text)).map((s) => s.path);
    expect(bad).toEqual([]);
  });
});
