/**
 * The one method the store needs from a database (after pg-boss's `executeSql`), plus
 * transactions. `fromPg` and `fromPglite` implement it; nothing else knows the engine.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], opts?: QueryOptions): Promise<T[]>;
}

export interface QueryOptions {
  /**
   * Run as a prepared statement of this name: on PostgreSQL it is parsed and planned once per
   * connection, then only bound and run (PGlite ignores it). Only for a hot statement whose
   * result columns do not follow a table's column list (no `SELECT *` or `RETURNING *` in the
   * final SELECT): PostgreSQL fails a prepared statement whose result type a migration changed
   * ("cached plan must not change result type") on replicas still running the old code.
   */
  prepare?: string;
}

/** A connection inside a transaction. */
export interface Tx extends Queryable {
  /** Several statements at once, as one batch (a migration file; `$$` bodies included). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pg' | 'pglite';
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Several statements at once, as one batch (outside a transaction). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Another handle on the same database with its own connections (PostgreSQL: a second pool of
   * `max`; PGlite: itself). The scheduler works on its own pool so a burst of steps never makes
   * a Slack request wait for a connection.
   */
  fork(max: number): Db;
  /**
   * Hears NOTIFYs on `channel` (PostgreSQL: on a connection of its own; PGlite: its one
   * connection). `onLost` is called once if that connection fails; listen again to go on.
   * Refused on a read-only standby (PostgreSQL does not run LISTEN during recovery).
   */
  listen(channel: string, onNotice: (payload: string) => void, onLost: (err: Error) => void): Promise<Listener>;
}

export interface Listener {
  close(): Promise<void>;
}
