import pg from 'pg';
import type { Db, Listener, Queryable, QueryOptions, Tx } from './db.ts';

// int8 (count(*), bigint sums) as numbers: drbot's counts are far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Why a prepared statement cannot run where an unnamed one would: a pooler in transaction mode
 * that does not carry prepared statements (PgBouncer before 1.21, or without
 * max_prepared_statements) moves the connection under it ("does not exist", "already exists"),
 * and a migration may have changed a result type. PostgreSQL raises these before the statement
 * does anything, so running it again unnamed is safe.
 */
function preparedStatementRefused(e: unknown): boolean {
  const { code, message } = e as { code?: string; message?: string };
  return code === '26000' || code === '42P05' || (code === '0A000' && /cached plan/.test(message ?? ''));
}

export interface PgHooks {
  /** The server refused a prepared statement: this pool runs every statement unnamed from now on. */
  onPreparedRefused?: (e: Error) => void;
}

export function fromPg(pool: pg.Pool, hooks: PgHooks = {}): Db {
  // Turned off for this pool the first time the server refuses a prepared statement.
  let prepare = true;
  const wrap = (c: pg.Pool | pg.PoolClient, inTransaction: boolean): Queryable => ({
    async query<T>(text: string, params?: unknown[], opts?: QueryOptions) {
      if (!opts?.prepare || !prepare) return (await c.query(text, params as unknown[])).rows as T[];
      try {
        return (await c.query({ name: opts.prepare, text, values: params as unknown[] })).rows as T[];
      } catch (e) {
        if (!preparedStatementRefused(e)) throw e;
        // Told once, though statements in flight on other connections may be refused too.
        if (prepare) hooks.onPreparedRefused?.(e as Error);
        prepare = false;
        // Inside a transaction the error has aborted it: the caller's transaction fails once.
        if (inTransaction) throw e;
        return (await c.query(text, params as unknown[])).rows as T[];
      }
    },
  });
  return {
    engine: 'pg',
    ...wrap(pool, false),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // A query without parameters goes through the simple protocol: several statements run.
        const tx: Tx = { ...wrap(client, true), exec: async (sql) => { await client.query(sql); } };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
    fork(max) {
      const forked = new pg.Pool({ ...pool.options, max });
      forked.on('error', () => undefined);
      return fromPg(forked, hooks);
    },
    listen(channel, onNotice, onLost) {
      return listenPg(pool, channel, onNotice, onLost);
    },
  };
}

/** A client outside the pool, with the pool's settings: a pooled one would be handed to a query. */
async function listenPg(pool: pg.Pool, channel: string, onNotice: (payload: string) => void, onLost: (err: Error) => void): Promise<Listener> {
  const client = new pg.Client(pool.options);
  let closing = false;
  let lost = false;
  const lose = (err: Error) => {
    if (closing || lost) return;
    lost = true;
    onLost(err);
    client.end().catch(() => undefined);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('the listening connection ended')));
  client.on('notification', (n) => {
    if (n.channel === channel) onNotice(n.payload ?? '');
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  } catch (e) {
    closing = true;
    await client.end().catch(() => undefined);
    throw e;
  }
  return {
    async close() {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * Store calls answer within Slack's 3 s or fail: a connection that cannot be had in
 * `connectTimeoutMs` and a query with no answer in `queryTimeoutMs` are errors the callers
 * answer in words (isStoreUnavailable). Migrations open their own pool without the query limit.
 */
export const STORE_TIMEOUTS = { connectTimeoutMs: 1_500, queryTimeoutMs: 2_000 };

export function connectPg(url: string, opts: { max?: number; schema?: string; queryTimeoutMs?: number; connectTimeoutMs?: number } & PgHooks = {}): Db {
  const queryTimeout = opts.queryTimeoutMs;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    query_timeout: queryTimeout,
    // The server gives up too (a statement stuck on a lock does not linger after the client left).
    statement_timeout: queryTimeout,
    // Every connection of a test gets its own schema; production uses `public`.
    options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return fromPg(pool, opts);
}
