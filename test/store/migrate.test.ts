import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';

/** PL/pgSQL the way it is written: semicolons inside a `$$` body, and on a line's end. */
const FUNCTION_WITH_BODY = `-- A trigger function: its body must reach PostgreSQL whole.
CREATE TABLE migrate_probe (n integer NOT NULL);
CREATE FUNCTION migrate_probe_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.n := NEW.n + 1;
  RETURN NEW;
END;
$$;
CREATE TRIGGER migrate_probe_bump BEFORE INSERT ON migrate_probe
  FOR EACH ROW EXECUTE FUNCTION migrate_probe_bump();
`;

describe.each(ENGINES)('migrations on %s', (engine) => {
  let db: TestDb;
  let dir: string;
  beforeEach(async () => {
    db = await openTestDb(engine, 'migrate');
    dir = mkdtempSync(join(tmpdir(), 'drbot-migrations-'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file runs as one batch: a $$-quoted function body with semicolons applies', async () => {
    writeFileSync(join(dir, '900001.sql'), FUNCTION_WITH_BODY);
    expect(await migrate(db, { dir })).toEqual([900001]);
    expect(await db.query('INSERT INTO migrate_probe (n) VALUES (1) RETURNING n')).toEqual([{ n: 2 }]);
    expect(await migrate(db, { dir })).toEqual([]);
  });

  it('a file that fails leaves nothing behind: neither its first statements nor its row', async () => {
    writeFileSync(join(dir, '900002.sql'), 'CREATE TABLE migrate_half (n integer);\nSELECT no_such_function();\n');
    await expect(migrate(db, { dir })).rejects.toThrow(/no_such_function/);
    expect(await db.query("SELECT to_regclass('migrate_half') AS t")).toEqual([{ t: null }]);
    expect(await db.query('SELECT id FROM drbot_migrations WHERE id = 900002')).toEqual([]);
  });
});
