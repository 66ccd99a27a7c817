import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { openPglite } from './fromPglite.ts';
import { migrate } from './migrate.ts';
import { hasDatabase, unpackPgliteTemplate } from './template.ts';

export type { Db, Queryable } from './db.ts';

/**
 * PostgreSQL when a URL is given, else embedded PGlite in `dataDir`; migrated either way.
 * A data dir without a database starts from the build-time template (template.ts).
 * `pg` is loaded only when a URL is given: the embedded default never pays for it.
 */
export async function openStore(o: { databaseUrl?: string; dataDir: string; template?: string }): Promise<Db> {
  let db: Db;
  if (o.databaseUrl) {
    const { connectPg } = await import('./fromPg.ts');
    db = connectPg(o.databaseUrl);
  } else {
    mkdirSync(o.dataDir, { recursive: true });
    if (!hasDatabase(o.dataDir)) unpackPgliteTemplate(o.dataDir, o.template);
    db = await openPglite(o.dataDir);
  }
  await migrate(db);
  return db;
}
