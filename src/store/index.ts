import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { openPglite } from './fromPglite.ts';
import { migrate } from './migrate.ts';
import { isInRecovery } from './sql/isInRecovery.ts';
import { hasDatabase, unpackPgliteTemplate } from './template.ts';

export type { Db, Queryable } from './db.ts';

/**
 * PostgreSQL when a URL is given, else embedded PGlite in `dataDir`; migrated either way.
 * A data dir without a database starts from the build-time template (template.ts).
 * `pg` is loaded only when a URL is given: the embedded default never pays for it.
 */
export async function openStore(o: { databaseUrl?: string; dataDir: string; template?: string }): Promise<Db> {
  if (o.databaseUrl) {
    const { connectPg, STORE_TIMEOUTS } = await import('./fromPg.ts');
    // Migrations may take longer than a request's query limit: their own pool, closed after.
    const migrator = connectPg(o.databaseUrl, { max: 1, connectTimeoutMs: 5_000 });
    try {
      // A read-only standby has the primary's schema through replication: nothing to migrate (nor can it).
      if (!(await isInRecovery(migrator))) await migrate(migrator);
    } finally {
      await migrator.close();
    }
    return connectPg(o.databaseUrl, STORE_TIMEOUTS);
  }
  mkdirSync(o.dataDir, { recursive: true });
  if (!hasDatabase(o.dataDir)) unpackPgliteTemplate(o.dataDir, o.template);
  const db = await openPglite(o.dataDir);
  await migrate(db);
  return db;
}
