import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, parse } from 'es-module-lexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

/**
 * The bundled dist/main.js (scripts/bundle.mjs, part of `npm run build`). A start must load only
 * what every start needs: the SDKs and drivers of integrations that may not be configured stay
 * behind dynamic import()s. (Bundled into one file without code splitting, esbuild hoists their
 * imports to the top and every start pays for them again: README "Performance".)
 */
describe('the bundled entry point', () => {
  const out = mkdtempSync(join(tmpdir(), 'drbot-bundle-'));
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);
  const packageOf = (s: string) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/');
  /** Every specifier in an output file: statically imported or loaded with import(). */
  const importsOf = (file: string) => {
    const [imports] = parse(readFileSync(join(out, file), 'utf8'));
    return imports.filter((i) => i.n !== undefined).map((i) => ({ name: i.n!, dynamic: i.d > -1 }));
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), out], { cwd: ROOT });
    await init;
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('loads only Node, PGlite and pino at start; drivers and SDKs are loaded on first use', () => {
    const atStart = new Set<string>();
    const visited = new Set<string>();
    const visit = (file: string) => {
      if (visited.has(file)) return;
      visited.add(file);
      for (const i of importsOf(file).filter((i) => !i.dynamic)) {
        if (i.name.startsWith('./')) visit(i.name.slice(2));
        else if (!isBuiltin(i.name)) atStart.add(packageOf(i.name));
      }
    };
    visit('main.js');
    expect([...atStart].sort()).toEqual(['@electric-sql/pglite', 'pino']);

    // ...and the others are still imported, from the chunks loaded on first use.
    const anywhere = new Set(readdirSync(out).filter((f) => f.endsWith('.js')).flatMap(importsOf).map((i) => packageOf(i.name)));
    for (const sdk of ['pg', 'ioredis', '@slack/bolt', '@aws-sdk/client-route-53', '@octokit/rest', 'nodemailer', '@pagerduty/pdjs']) {
      expect(anywhere.has(sdk), `${sdk} is imported somewhere`).toBe(true);
      expect(atStart.has(sdk), `${sdk} is loaded at start`).toBe(false);
    }
  });

  it('leaves out only production dependencies, so `npm ci --omit=dev` can run it', () => {
    const external = new Set(readdirSync(out).filter((f) => f.endsWith('.js')).flatMap(importsOf).map((i) => i.name).filter((n) => !n.startsWith('./') && !isBuiltin(n)).map(packageOf));
    expect([...external].filter((p) => !(p in dependencies))).toEqual([]);
  });
});
