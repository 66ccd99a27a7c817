import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { openPglite } from './fromPglite.ts';
import { migrate } from './migrate.ts';
import { isInRecovery } from './sql/isInRecovery.ts';
import { hasDatabase, unpackPgliteTemplate } from './template.ts';

export type { Db, Queryable } from './db.ts';

/** What the store tells the log (a pino logger is one). */
export interface StoreLog {
  warn(o: object, msg: string): void;
}

/**
 * PostgreSQL when a URL is given, else embedded PGlite in `dataDir`; migrated either way.
 * A data dir without a database starts from the build-time template (template.ts).
 * `pg` is loaded only when a URL is given: the embedded default never pays for it.
 */
export async function openStore(o: { databaseUrl?: string; dataDir: string; template?: string; log?: StoreLog }): Promise<Db> {
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
    const onPreparedRefused = (e: Error) => o.log?.warn({ err: e.message }, 'PostgreSQL refused a prepared statement (a pooler in transaction mode without them?): statements run unnamed from now on, a little slower');
    return connectPg(o.databaseUrl, { ...STORE_TIMEOUTS, onPreparedRefused });
  }
  mkdirSync(o.dataDir, { recursive: true });
  if (!hasDatabase(o.dataDir)) unpackPgliteTemplate(o.dataDir, o.template);
  const db = await openPglite(o.dataDir);
  await migrate(db);
  return db;
}
