import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cruise, type ICruiseOptions } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from '../helpers/paths.ts';

/**
 * The layering rules (README "Layout") live in `.dependency-cruiser.cjs` (also `npm run lint:layers`).
 * Here: src/ keeps them, and a deliberately wrong tree shows that each rule bites.
 */
const RULES = join(ROOT, '.dependency-cruiser.cjs');

async function violations(baseDir: string): Promise<string[]> {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(RULES)), baseDir };
  const { output } = await cruise(['src'], options, undefined, { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) });
  if (typeof output === 'string') throw new Error(output);
  // Known violations (the temporary baseline, if any) come back with severity "ignore".
  return output.summary.violations
    .filter((v) => v.rule.severity !== 'ignore')
    .map((v) => `${v.rule.name}: ${[v.from, ...(v.cycle ? v.cycle.map((c) => c.name) : [v.to])].join(' -> ')}`);
}

describe('layering (dependency-cruiser)', () => {
  it('src/ keeps every rule of .dependency-cruiser.cjs', async () => {
    expect(await violations(ROOT)).toEqual([]);
  }, 60_000);

  it('each rule bites: a wrong tree reports exactly its wrong imports, by rule', async () => {
    const found = await violations(join(FIXTURES, 'layering'));
    const byRule = (name: string) => found.filter((v) => v.startsWith(`${name}:`)).map((v) => v.slice(name.length + 2));
    expect(byRule('core-is-pure')).toEqual(['src/core/clock.ts -> fs']);
    expect(byRule('adapters-stay-apart')).toEqual(['src/adapters/email/mailer.ts -> src/adapters/slack/chat.ts']);
    expect(byRule('adapters-see-only-ports-and-core')).toEqual(['src/adapters/email/mailer.ts -> src/store/db.ts']);
    expect(byRule('http-not-store')).toEqual(['src/http/routes.ts -> src/store/db.ts']);
    expect(byRule('only-wiring-imports-adapters')).toEqual(['src/service/notify.ts -> src/adapters/slack/chat.ts']);
    expect(byRule('nodemailer-in-email-adapter')).toEqual([expect.stringMatching(/^src\/service\/notify\.ts -> .*node_modules\/nodemailer\//)]);
    expect(byRule('no-circular')).toEqual(['src/service/declare.ts -> src/service/notify.ts -> src/service/declare.ts']);
    // date-fns in the core and @slack/bolt in the Slack adapter are fine: nothing else is reported.
    expect(found).toHaveLength(7);
  }, 60_000);
});

/** Not a dependency rule: SQL text appears in src/store/ only. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('layering (SQL)', () => {
  it('only the store speaks SQL', () => {
    const SRC = join(ROOT, 'src');
    const sql = /`\s*(SELECT\s|INSERT INTO|UPDATE\s+\w+\s+SET|DELETE FROM|CREATE TABLE)/;
    const bad = files(SRC).filter((f) => !relative(SRC, f).startsWith('store/') && sql.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(bad).toEqual([]);
  });
});
