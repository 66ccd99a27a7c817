import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../shippedFiles.ts';
import type { Db } from './db.ts';

// Any constant will do; it only has to be the same on every replica.
const MIGRATION_LOCK = 7_310_401;

export function migrationFiles(dir = MIGRATIONS_DIR): { id: number; file: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{6}\.sql$/.test(f))
    .sort()
    .map((file) => ({ id: Number(file.slice(0, 6)), file, sql: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Applies the numbered migrations not yet applied, each in its own transaction that also
 * records it. A transaction-scoped advisory lock makes replicas starting together take turns:
 * the second one finds the row the first wrote and skips the file. Never edit a shipped file.
 * A file runs as one batch, so it may hold anything PostgreSQL accepts in a transaction
 * (`$$`-quoted function bodies included), but no BEGIN/COMMIT of its own.
 * `dir` is for tests: the shipped migrations are the default.
 */
export async function migrate(db: Db, o: { dir?: string } = {}): Promise<number[]> {
  const files = migrationFiles(o.dir);
  // Start-up fast path: one read when every file is already applied (the usual restart), instead
  // of a locked transaction per file. Anything missing takes the locked path below.
  // (On a new database the table is not there yet: the read fails and the locked path creates it.)
  const before = await db.query<{ id: number }>('SELECT id FROM drbot_migrations').then((rows) => new Set(rows.map((r) => r.id)), () => new Set<number>());
  if (before.size && files.every((m) => before.has(m.id))) return [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS drbot_migrations (id integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  const applied: number[] = [];
  for (const m of files) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query('SELECT 1 FROM drbot_migrations WHERE id = $1', [m.id]);
      if (rows.length) return false;
      await tx.query('INSERT INTO drbot_migrations (id) VALUES ($1)', [m.id]);
      await tx.exec(m.sql);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
