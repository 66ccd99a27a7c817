import { mkdirSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '../../src/store/fromPglite.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PGLITE_TEMPLATE, TMP_DIR } from '../helpers/paths.ts';

/**
 * PGlite is slow to create and fast to load: migrate one database here and let every test
 * load a copy (the way graphile-worker clones a template database).
 */
export default async function setup(): Promise<void> {
  mkdirSync(TMP_DIR, { recursive: true });
  const pg = await PGlite.create();
  await migrate(fromPglite(pg));
  const dump = await pg.dumpDataDir('gzip');
  writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
}
