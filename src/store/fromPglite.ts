import { setFlagsFromString } from 'node:v8';
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
    // In process: a notice is handed over before the statement that sent it returns.
    async listen(channel, onNotice) {
      const unlisten = await pg.listen(channel, onNotice);
      return { close: () => unlisten() };
    },
  };
}

/**
 * PGlite's own start parameters plus a smaller buffer cache: drbot's working set is a few MiB,
 * and PostgreSQL's default `shared_buffers=128MB` is most of an idle process's memory
 * (~295 MiB RSS with it, ~165 MiB with 16MB; it also opens faster).
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * PostgreSQL's 9 MiB of WASM, compiled by V8's baseline compiler only (Liftoff). The optimising
 * tier (TurboFan) recompiles hot functions in the background: on a 2-core machine that competes
 * with start-up and holds ~70 MiB more RSS, for no measurable gain on drbot's short queries
 * (README "Performance"). A V8 flag is process-wide: only an embedded store sets it.
 */
function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Db> {
  baselineWasmOnly();
  const pg = await PGlite.create({ ...(dataDir && { dataDir }), ...(loadDataDir && { loadDataDir }), startParams: PGLITE_START_PARAMS });
  return fromPglite(pg);
}
