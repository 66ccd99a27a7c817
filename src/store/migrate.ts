import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

// Next to this file in src/ and in dist/ (the build copies the .sql files).
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
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
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS drbot_migrations (id integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  const applied: number[] = [];
  for (const m of migrationFiles(o.dir)) {
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
