import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { migrationFiles } from '../../src/store/migrate.ts';
import { hasDatabase, unpackPgliteTemplate } from '../../src/store/template.ts';
import { PGLITE_TEMPLATE } from '../helpers/paths.ts';

/**
 * A first start on an empty DRBOT_DATA_DIR unpacks the build-time template (no initdb) and
 * then migrates. The build's template is made the same way as the suite's (test/setup/global.ts):
 * a dump of a migrated PGlite, so the suite's stands in for it here.
 */
const work = mkdtempSync(join(tmpdir(), 'drbot-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A template older than every migration: an empty schema, plus a table only it has. */
async function oldTemplate(): Promise<string> {
  const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(PGLITE_TEMPLATE)]) });
  await pg.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE came_from_template (n integer); CHECKPOINT;');
  const path = join(work, 'old-template.tar.gz');
  writeFileSync(path, Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer()));
  await pg.close();
  return path;
}

describe('the PGlite template', () => {
  it('a fresh data dir starts from the template, then migrates what the template lacks', async () => {
    const template = await oldTemplate();
    const dataDir = join(work, 'fresh');
    expect(hasDatabase(dataDir)).toBe(false);

    const started = performance.now();
    const db = await openStore({ dataDir, template });
    const ms = performance.now() - started;
    try {
      expect(hasDatabase(dataDir)).toBe(true);
      // The template's own table is there: no initdb ran.
      expect(await db.query('SELECT count(*)::int AS n FROM came_from_template')).toEqual([{ n: 0 }]);
      // …and every migration was applied on top of it.
      const applied = (await db.query<{ id: number }>('SELECT id FROM drbot_migrations ORDER BY id')).map((r) => r.id);
      expect(applied).toEqual(migrationFiles().map((m) => m.id));
      // initdb takes 4–8 s on this machine; unpacking and opening, well under that (generous bound: shared CI).
      expect(ms).toBeLessThan(15_000);
    } finally {
      await db.close();
    }

    // The next start finds the database and keeps what is in it.
    const again = await openStore({ dataDir, template });
    try {
      await again.query('INSERT INTO came_from_template VALUES (1)');
      expect(await again.query('SELECT count(*)::int AS n FROM came_from_template')).toEqual([{ n: 1 }]);
    } finally {
      await again.close();
    }
  });

  it('an interrupted unpack is redone: PG_VERSION is written last', async () => {
    const dataDir = join(work, 'interrupted');
    expect(unpackPgliteTemplate(dataDir, PGLITE_TEMPLATE)).toBe(true);
    rmSync(join(dataDir, 'PG_VERSION'));
    expect(hasDatabase(dataDir)).toBe(false);
    const db = await openStore({ dataDir, template: PGLITE_TEMPLATE });
    try {
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(await db.query('SELECT count(*)::int AS n FROM drbot_migrations')).toEqual([{ n: migrationFiles().length }]);
    } finally {
      await db.close();
    }
  });

  it('without a template (running from src/), unpacking says so and PGlite creates the database itself', () => {
    expect(unpackPgliteTemplate(join(work, 'none'), join(work, 'no-such-template.tar.gz'))).toBe(false);
  });
});
