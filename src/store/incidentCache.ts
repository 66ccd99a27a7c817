import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, Listener } from './db.ts';
import { getIncidentWithSteps, type IncidentWithSteps } from './sql/getIncidentWithSteps.ts';

/** The channel migration 000023's triggers notify: `<schema>:<ids, comma-separated>` or `<schema>:*`. */
export const INCIDENT_CHANGES = 'drbot_incident_changes';

export interface IncidentCacheOptions {
  /** How long an entry may be served at most, changes heard or not (a safety net, not the mechanism). */
  maxAgeMs?: number;
  /** Entries kept at most (the oldest read goes first). */
  maxEntries?: number;
  /** How often the cache proves it hears the database the store writes to (and retries listening). */
  heartbeatMs?: number;
  /** How long a heartbeat may take to come back before the cache stops serving. */
  heartbeatTimeoutMs?: number;
  /** Told where each read was answered from (the metrics). */
  onRead?: (from: 'memory' | 'store') => void;
}

/**
 * `/dr status` answered from memory. An incident and its steps, once read, are served until
 * PostgreSQL says a row of that incident changed: migration 000023's triggers NOTIFY after every
 * statement that writes incidents or steps, whoever wrote it (this replica, another, a person
 * with psql), naming the schema and the incidents, and each replica LISTENs. Nothing is served
 * unless the cache is sure it hears:
 * - not listening (not yet, connection lost, or a standby, which refuses LISTEN): every read goes
 *   to the store, and the listen is retried each heartbeat;
 * - every heartbeat it sends a notice *through the store's pool* and must hear it back on the
 *   listening connection within the timeout, which proves both reach the same database (after a
 *   failover the pool may reach the new primary while the listener still sits on the old one);
 * - a read that was in flight when its incident changed, or when listening (re)started, is
 *   answered but not kept (it may predate the change);
 * - an entry is served for `maxAgeMs` at most, in case a write bypassed the triggers
 *   (`session_replication_role = replica`, a restore).
 * A change committed elsewhere is served stale only until its notice arrives (within
 * milliseconds on a local network; PGlite hands it over before the writing statement returns).
 */
export class IncidentCache {
  private readonly entries = new Map<number, { value: IncidentWithSteps; at: number }>();
  private readonly byChannel = new Map<string, number>();
  /** Sequence number of the last notice per incident, kept only while reads are in flight. */
  private readonly changedAt = new Map<number, number>();
  private seq = 0;
  /** The sequence number at which everything was last dropped (lost connection, '*', new listen). */
  private flushedAt = 0;
  private readsInFlight = 0;
  private listener?: Listener;
  /** The store's schema: notices name theirs (drbots may share a database). */
  private schema?: string;
  private listening = false;
  private connecting = false;
  private stopped = false;
  /** Notices sent through the store and not heard back yet, with who waits for each. */
  private readonly pings = new Map<string, { sentAt: number; heard?: () => void }>();
  private timer?: NodeJS.Timeout;
  private readonly onRead?: (from: 'memory' | 'store') => void;
  private readonly o: Required<Omit<IncidentCacheOptions, 'onRead'>>;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    o: IncidentCacheOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    const { onRead, ...timings } = o;
    this.onRead = onRead;
    this.o = { maxAgeMs: 60_000, maxEntries: 1_000, heartbeatMs: 5_000, heartbeatTimeoutMs: 2_000, ...timings };
  }

  /** True while entries may be served. */
  get serving(): boolean {
    return this.listening;
  }

  /** Starts listening in the background: until the first heartbeat comes back, reads go to the store. */
  start(): void {
    void this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat(), this.o.heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    this.listening = false; // quietly: stopping is not news
    await this.lost('stopped');
  }

  /** The incident (by number or by its channel) and its steps: from memory when it may be, else from the store. */
  async get(by: { id: number } | { channelId: string }): Promise<IncidentWithSteps | undefined> {
    const id = 'id' in by ? by.id : this.byChannel.get(by.channelId);
    const hit = id === undefined ? undefined : this.entries.get(id);
    if (hit && this.listening && this.now() - hit.at < this.o.maxAgeMs) {
      this.onRead?.('memory');
      return hit.value;
    }
    this.onRead?.('store');
    const startedAt = this.seq;
    this.readsInFlight++;
    try {
      const found = await getIncidentWithSteps(this.db, by);
      if (found && this.listening && this.flushedAt <= startedAt && (this.changedAt.get(found.incident.id) ?? 0) <= startedAt) this.keep(found);
      return found;
    } finally {
      if (--this.readsInFlight === 0) this.changedAt.clear();
    }
  }

  /**
   * Resolves once nothing committed before the call can be served stale: a notice sent through
   * the store came back here, so every earlier one has too (or the cache stopped serving).
   */
  settled(): Promise<void> {
    return new Promise((resolve) => void this.sendPing(resolve));
  }

  private keep(found: IncidentWithSteps): void {
    const { id, channelId } = found.incident;
    this.forget(id);
    if (this.entries.size >= this.o.maxEntries) this.forget(this.entries.keys().next().value!);
    // Shared by every answer from now on: a caller that changed it would change them all.
    Object.freeze(found.incident);
    Object.freeze(found.steps).forEach((step) => Object.freeze(step));
    this.entries.set(id, { value: found, at: this.now() });
    if (channelId) this.byChannel.set(channelId, id);
  }

  private forget(id: number): void {
    const channelId = this.entries.get(id)?.value.incident.channelId;
    if (channelId && this.byChannel.get(channelId) === id) this.byChannel.delete(channelId);
    this.entries.delete(id);
  }

  private onNotice(payload: string): void {
    if (payload.startsWith('ping:')) {
      const ping = this.pings.get(payload.slice(5));
      if (!ping) return; // another replica's
      this.pings.delete(payload.slice(5));
      ping.heard?.();
      // Serve only once this listener has proved it hears the database the store writes to.
      if (!this.listening && this.listener) {
        this.drop('listening', true);
        this.log.info("status cache on: /dr status answers from memory, kept current by the database's notices");
      }
      return;
    }
    const colon = payload.lastIndexOf(':');
    if (payload.slice(0, colon) !== this.schema) return;
    const ids = payload.slice(colon + 1);
    this.seq++;
    if (ids === '*') {
      this.drop('too many incidents in one notice', this.listening);
      return;
    }
    for (const part of ids.split(',')) {
      const id = Number(part);
      this.forget(id);
      if (this.readsInFlight) this.changedAt.set(id, this.seq);
    }
  }

  /** Forgets everything; reads in flight are not kept either. */
  private drop(why: string, stillListening: boolean): void {
    this.flushedAt = ++this.seq;
    this.entries.clear();
    this.byChannel.clear();
    this.changedAt.clear();
    if (this.listening && !stillListening) this.log.warn({ reason: why }, 'status cache off: /dr status reads the store until the cache hears the database again');
    this.listening = stillListening;
  }

  /** Listens if not listening; then fails a ping not heard in time, or sends the next one. */
  private async heartbeat(): Promise<void> {
    if (this.connecting || this.stopped) return;
    if (!this.listener) {
      this.connecting = true;
      try {
        this.schema = (await this.db.query<{ schema: string }>('SELECT current_schema() AS schema'))[0].schema;
        const listener = await this.db.listen(INCIDENT_CHANGES, (p) => this.onNotice(p), (err) => void this.lost(err.message));
        if (this.stopped) return await listener.close();
        this.listener = listener;
      } catch (e) {
        this.log.debug({ err: e }, 'status cache: LISTEN refused or failed; /dr status reads the store');
        return;
      } finally {
        this.connecting = false;
      }
    }
    const oldest = Math.min(...[...this.pings.values()].map((p) => p.sentAt));
    if (this.now() - oldest > this.o.heartbeatTimeoutMs) await this.lost('a notice sent through the store did not come back on the listening connection');
    else if (!this.pings.size) await this.sendPing();
  }

  private async sendPing(heard?: () => void): Promise<void> {
    if (!this.listener) return heard?.();
    const token = randomUUID();
    this.pings.set(token, { sentAt: this.now(), heard });
    try {
      await this.db.query('SELECT pg_notify($1, $2)', [INCIDENT_CHANGES, `ping:${token}`]);
    } catch (e) {
      await this.lost(`the store did not take a notice: ${(e as Error).message}`);
    }
  }

  private lost(why: string): Promise<void> {
    this.drop(why, false);
    // Whoever waits for a ping may go on: nothing is served until listening is proved again.
    for (const p of this.pings.values()) p.heard?.();
    this.pings.clear();
    const listener = this.listener;
    this.listener = undefined;
    return listener?.close() ?? Promise.resolve();
  }
}
