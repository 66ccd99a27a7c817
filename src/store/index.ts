import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { connectPg } from './fromPg.ts';
import { openPglite } from './fromPglite.ts';
import { migrate } from './migrate.ts';

export type { Db, Queryable } from './db.ts';

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir`; migrated either way. */
export async function openStore(o: { databaseUrl?: string; dataDir: string }): Promise<Db> {
  let db: Db;
  if (o.databaseUrl) {
    db = connectPg(o.databaseUrl);
  } else {
    mkdirSync(o.dataDir, { recursive: true });
    db = await openPglite(o.dataDir);
  }
  await migrate(db);
  return db;
}
