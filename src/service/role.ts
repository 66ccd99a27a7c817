import type { Logger } from 'pino';
import type { Clock } from '../ports.ts';
import type { Queryable } from '../store/db.ts';
import { getActive } from '../store/sql/getActive.ts';
import { isInRecovery } from '../store/sql/isInRecovery.ts';
import { markActive } from '../store/sql/markActive.ts';

/**
 * Active or standby, read from the database itself: a drbot whose PostgreSQL is a streaming
 * replica still in recovery is the standby (it answers reads, labelled, and runs no steps); the
 * moment the replica is promoted it becomes active on its own and the schedule starts. The active
 * one writes its region where the standby can read it (replication carries the row).
 */
export class StoreRole {
  standby = false;
  activeRegion: string | null = null;
  private timer?: NodeJS.Timeout;
  private lastMark = 0;
  private checking = false;

  constructor(
    private readonly o: { db: Queryable; log: Logger; clock: Clock; region?: string; worker: string; onPromoted: () => void; checkMs?: number; markMs?: number },
  ) {}

  /** One look at the database: standby or not; the active one refreshes its region row. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const standby = await isInRecovery(this.o.db);
      if (standby) {
        this.activeRegion = (await getActive(this.o.db))?.region ?? null;
        if (!this.standby) this.o.log.warn({ region: this.o.region ?? null, active: this.activeRegion }, `standby: the database is a read-only replica; this drbot answers reads only and runs no steps until it is promoted (${this.label()})`);
        this.standby = true;
        return;
      }
      if (this.standby) {
        this.standby = false;
        this.lastMark = 0;
        this.o.log.warn({ region: this.o.region ?? null }, 'promoted: the database accepts writes; this drbot is now active and runs every pending step');
        this.o.onPromoted();
      }
      const now = this.o.clock.now().getTime();
      if (now - this.lastMark >= (this.o.markMs ?? 10_000)) {
        await markActive(this.o.db, { region: this.o.region, worker: this.o.worker, at: this.o.clock.now() });
        this.lastMark = now;
      }
    } catch {
      // The store unreachable: the role stays what it was (readiness and the router say the rest).
    } finally {
      this.checking = false;
    }
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.o.checkMs ?? 2_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  label(): string {
    const here = this.o.region ? ` in ${this.o.region}` : '';
    return `standby${here}, read-only; the active drbot is in ${this.activeRegion ?? 'another region'}`;
  }
}
