import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { connectPg, STORE_TIMEOUTS } from './fromPg.ts';
import { openPglite } from './fromPglite.ts';
import { migrate } from './migrate.ts';
import { isInRecovery } from './sql/isInRecovery.ts';

export type { Db, Queryable } from './db.ts';

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir`; migrated either way. */
export async function openStore(o: { databaseUrl?: string; dataDir: string }): Promise<Db> {
  let db: Db;
  if (o.databaseUrl) {
    // Migrations may take longer than a request's query limit: their own pool, closed after.
    const migrator = connectPg(o.databaseUrl, { max: 1, connectTimeoutMs: 5_000 });
    try {
      // A read-only standby has the primary's schema through replication: nothing to migrate (nor can it).
      if (!(await isInRecovery(migrator))) await migrate(migrator);
    } finally {
      await migrator.close();
    }
    return connectPg(o.databaseUrl, STORE_TIMEOUTS);
  } else {
    mkdirSync(o.dataDir, { recursive: true });
    db = await openPglite(o.dataDir);
  }
  await migrate(db);
  return db;
}
