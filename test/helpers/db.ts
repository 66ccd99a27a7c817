import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from '../../src/store/db.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { fromPglite } from '../../src/store/fromPglite.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PGLITE_TEMPLATE } from './paths.ts';

export type Engine = 'pglite' | 'pg';
export const ENGINES: Engine[] = ['pglite', 'pg'];
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb extends Db {
  /** The schema on PostgreSQL (for a second process sharing it). */
  schema?: string;
  url?: string;
}

/** A fresh, migrated database: a copy of the PGlite template, or a new schema on PostgreSQL. */
export async function openTestDb(engine: Engine, label = 'test'): Promise<TestDb> {
  if (engine === 'pglite') {
    const blob = new Blob([readFileSync(PGLITE_TEMPLATE)]);
    const db = fromPglite(await PGlite.create({ loadDataDir: blob }));
    await migrate(db);
    return db;
  }
  const schema = `t_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = connectPg(TEST_DATABASE_URL, { schema, max: 5 });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    schema,
    url: TEST_DATABASE_URL,
    async close() {
      await close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  });
}
