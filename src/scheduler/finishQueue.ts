import type { TimelineEvent } from '../core/incident.ts';
import type { StepPlan } from '../core/steps.ts';
import type { Db, Queryable } from '../store/db.ts';
import { finishSteps, type FinishRow } from '../store/sql/finishSteps.ts';
import { plantSteps } from '../store/sql/plantSteps.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';

/** One step's outcome as written: the done mark, its timeline entry, follow-ups, a card redraw. */
export interface FinishItem {
  row: FinishRow;
  incidentId: number;
  event: TimelineEvent;
  plant: StepPlan[];
  touch: boolean;
}

/**
 * How long the first outcome waits for others to share its commit. With 5,000 steps over 10 s
 * on two replicas, 2 ms cut PostgreSQL's CPU by about a sixth; 5 ms by a third, but the steps
 * of a burst started later (README "Performance").
 */
export const FINISH_LINGER_MS = 2;

/** The longest a commit waits for steps about to start (`holdFor`), so a steady stream cannot hold outcomes back for good. */
export const FINISH_MAX_HOLD_MS = 100;

export interface FinishQueueOptions {
  /** Told the store is unreachable (outcomes wait in memory meanwhile). */
  onUnavailable?: (e: unknown, waiting: number) => void;
  lingerMs?: number;
  /**
   * How long to hold the next commit back because a step starts in that time (0: commit now).
   * A commit takes CPU from this process and from PostgreSQL; started amid a burst, it made the
   * steps after it late (README "Performance").
   */
  holdFor?: () => number;
  maxHoldMs?: number;
}

/**
 * Group commit for step outcomes. Each outcome is written with its done mark in one
 * transaction; outcomes that finish within `lingerMs` of the first, or while a commit is
 * running, share one, so steps falling due together cost one transaction per flush instead of
 * one per step. The send is over by then: the linger delays only the done mark (and a card
 * redraw), by a few milliseconds.
 */
export class FinishQueue {
  private queued: { item: FinishItem; resolve: (written: boolean) => void; reject: (e: unknown) => void }[] = [];
  private flushing?: Promise<void>;
  private retryMs = 125;
  private warned = false;
  private stopping = false;

  constructor(private readonly db: Db, private readonly o: FinishQueueOptions = {}) {}

  /** Resolves true when written, false when the claim was lost (another worker re-ran it). */
  add(item: FinishItem): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.flushing) this.flushing = new Promise((r) => setTimeout(r, this.o.lingerMs ?? FINISH_LINGER_MS)).then(() => this.flush());
    });
  }

  /** Waits while a step is about to start, up to `maxHoldMs`. */
  private async holdBack(): Promise<void> {
    if (!this.o.holdFor) return;
    const until = performance.now() + (this.o.maxHoldMs ?? FINISH_MAX_HOLD_MS);
    for (let ms = this.o.holdFor(); ms > 0 && performance.now() < until; ms = this.o.holdFor()) {
      await new Promise((r) => setTimeout(r, Math.min(ms, until - performance.now())));
    }
  }

  private async flush(): Promise<void> {
    while (this.queued.length) {
      await this.holdBack();
      const batch = this.queued.splice(0);
      try {
        const items = batch.map((b) => b.item);
        const write = async (q: Queryable) => {
          const held = await finishSteps(q, items.map((i) => ({ ...i.row, timeline: { incidentId: i.incidentId, event: i.event }, touch: i.touch ? i.incidentId : undefined })));
          for (const i of items) if (i.plant.length && held.has(i.row.id)) await plantSteps(q, i.incidentId, i.plant);
          return held;
        };
        // Outcomes alone are one statement (its own transaction); follow-ups to plant share a transaction with them.
        const written = items.some((i) => i.plant.length) ? await this.db.transaction(write) : await write(this.db);
        batch.forEach((b) => b.resolve(written.has(b.item.row.id)));
      } catch (e) {
        if (isStoreUnavailable(e) && !this.stopping) {
          // The sends happened: keep their outcomes in memory and write them once the store is back
          // (sending again would repeat them, and the timeline would wrongly say drbot stopped mid-send).
          this.queued.unshift(...batch);
          this.retryMs = Math.min(2_000, this.retryMs * 2);
          if (!this.warned) this.o.onUnavailable?.(e, this.queued.length);
          this.warned = true;
          await new Promise((r) => setTimeout(r, this.retryMs));
          continue;
        }
        batch.forEach((b) => b.reject(e));
      }
      this.retryMs = 125;
      this.warned = false;
    }
    this.flushing = undefined;
  }

  /** Outcomes waiting to be written (kept in memory while the store is unreachable). */
  get pending(): number {
    return this.queued.length;
  }

  /** Waits for everything queued so far to be written; after `maxMs` (stopping) what is left is given up, and its leases run out. */
  async drain(maxMs = Infinity): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.flushing && Date.now() < deadline) {
      await Promise.race([this.flushing, new Promise((r) => setTimeout(r, Math.max(0, Math.min(250, deadline - Date.now()))))]);
    }
    this.stopping = true;
  }
}
