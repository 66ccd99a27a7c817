import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_TEMPLATE } from '../shippedFiles.ts';
import { fromPglite, PGLITE_START_PARAMS } from './fromPglite.ts';
import { migrate } from './migrate.ts';

// PGlite is slow to create a data dir (initdb in WASM: seconds, ~900 MiB peak) and fast to
// open one. The build (`npm run build`) migrates a fresh database once and writes its dump
// (`dumpDataDir('gzip')`, a gzipped tar) to PGLITE_TEMPLATE in dist/store/. A first start
// unpacks it into the empty data dir, then opens it like any other (the way graphile-worker
// clones a template database) and migrates: nothing to do unless the dump is older than the
// migrations.

const MARKER = 'PG_VERSION';

/** True when `dataDir` already holds a PostgreSQL data directory. */
export function hasDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER));
}

/**
 * Unpacks the template into `dataDir`; false when there is no template (running from src/:
 * PGlite then runs initdb). Done here rather than with PGlite's `loadDataDir`, which passes every
 * byte through the WASM heap (it never shrinks: ~70 MiB more RSS for the process's lifetime).
 * PG_VERSION is written last, so a start interrupted half-way unpacks again next time.
 */
export function unpackPgliteTemplate(dataDir: string, path = PGLITE_TEMPLATE): boolean {
  if (!existsSync(path)) return false;
  const tar = gunzipSync(readFileSync(path));
  let marker: { file: string; body: Buffer; mode: number } | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break; // end of archive
    const field = (from: number, to: number) => header.subarray(from, to).toString('latin1').replace(/\0.*$/s, '').trim();
    const prefix = field(345, 500);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = parseInt(field(124, 136) || '0', 8);
    const mode = parseInt(field(100, 108) || '600', 8) & 0o777;
    const type = String.fromCharCode(header[156]);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    const rel = normalize(name).replace(/^\/+/, '');
    if (!rel || rel === '.' || rel.startsWith('..')) continue;
    const file = join(dataDir, rel);
    if (type === '5') mkdirSync(file, { recursive: true });
    else if (type === '0' || type === '\0') {
      if (rel === MARKER) marker = { file, body, mode };
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, body, { mode });
      }
    }
  }
  if (!marker) throw new Error(`${path} is not a PostgreSQL data directory (no ${MARKER})`);
  writeFileSync(marker.file, marker.body, { mode: marker.mode });
  return true;
}

/** Creates a fresh database, migrates it and writes its gzipped dump to `path`. */
export async function writePgliteTemplate(path = PGLITE_TEMPLATE): Promise<void> {
  const pg = await PGlite.create({ startParams: PGLITE_START_PARAMS });
  await migrate(fromPglite(pg));
  // A checkpoint first: the dump then holds finished data files, not work left in the WAL.
  await pg.exec('CHECKPOINT');
  const dump = await pg.dumpDataDir('gzip');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
}
