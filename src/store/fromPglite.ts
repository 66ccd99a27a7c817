import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';

/**
 * PGlite is real PostgreSQL in WASM with a single connection. Its quirks, handled here:
 * - one connection: `transaction()` holds it for the whole callback, so other queries wait;
 * - after an error inside a transaction PGlite rolls it back itself (we rethrow);
 * - multi-statement DDL goes through `exec`, not `query`.
 */
export function fromPglite(pg: PGlite): Db {
  const wrap = (c: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(text: string, params?: unknown[]) {
      return (await c.query<T>(text, params as unknown[])).rows;
    },
  });
  return {
    engine: 'pglite',
    ...wrap(pg),
    transaction(fn) {
      return pg.transaction((tx) => fn({ ...wrap(tx), exec: async (sql) => { await tx.exec(sql); } }));
    },
    async exec(sql) {
      await pg.exec(sql);
    },
    async close() {
      await pg.close();
    },
    // One connection only: every part shares it.
    fork() {
      return { ...this, close: async () => undefined };
    },
  };
}

export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Db> {
  const pg = await PGlite.create(dataDir ? { dataDir, loadDataDir } : { loadDataDir });
  return fromPglite(pg);
}
