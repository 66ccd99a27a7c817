import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '../../src/store/fromPglite.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PGLITE_TEMPLATE, TMP_DIR } from '../helpers/paths.ts';

/**
 * PGlite is slow to create and fast to load: migrate one database here and let every test
 * load a copy (the way graphile-worker clones a template database).
 */
export default async function setup(): Promise<() => void> {
  // Whatever the run puts in the temp folder (config copies, data dirs of spawned drbots, browser
  // profiles) goes into one folder of its own, removed at the end: the suite leaves nothing in /tmp.
  // Test workers and the processes they spawn inherit TMPDIR, so os.tmpdir() points there.
  const root = mkdtempSync(join(tmpdir(), 'drbot-tests-'));
  // Tests that run PostgreSQL as the `postgres` user make their data folders in here.
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  mkdirSync(TMP_DIR, { recursive: true });
  const pg = await PGlite.create();
  await migrate(fromPglite(pg));
  const dump = await pg.dumpDataDir('gzip');
  writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
  return () => rmSync(root, { recursive: true, force: true });
}
