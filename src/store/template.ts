import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite, PGLITE_START_PARAMS } from './fromPglite.ts';
import { migrate } from './migrate.ts';

/**
 * PGlite is slow to create a data dir (initdb in WASM: seconds, ~900 MiB peak) and fast to
 * load one. The build (`npm run build`) migrates a fresh database once and writes its dump
 * next to this file; a first start loads it instead of running initdb (the way
 * graphile-worker clones a template database), then migrates (nothing left to do unless the
 * dump is older than the migrations).
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('./pglite-template.tar.gz', import.meta.url));

/** True when `dataDir` already holds a PostgreSQL data directory. */
export function hasDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/** The build-time dump, or undefined (running from src/, or a build without it). */
export function readPgliteTemplate(path = PGLITE_TEMPLATE): Blob | undefined {
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** Creates a fresh database, migrates it and writes its gzipped dump to `path`. */
export async function writePgliteTemplate(path = PGLITE_TEMPLATE): Promise<void> {
  const pg = await PGlite.create({ startParams: PGLITE_START_PARAMS });
  await migrate(fromPglite(pg));
  const dump = await pg.dumpDataDir('gzip');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
}
