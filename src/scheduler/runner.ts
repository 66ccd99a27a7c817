import type { AppContext } from '../service/context.ts';
import type { StepRegistry } from '../service/steps/registry.ts';
import { claimDueSteps, type ClaimedStep } from '../store/sql/claimDueSteps.ts';
import { getIncidents } from '../store/sql/getIncidents.ts';
import { nextDueAt } from '../store/sql/nextDueAt.ts';
import type { StoredIncident } from '../store/rows.ts';
import { FinishQueue } from './finishQueue.ts';
import { HeldSteps } from './heldSteps.ts';
import { runStep, type StepDeps } from './runStep.ts';
import type { RunnerOptions } from './runnerOptions.ts';

/** A step due within this long holds back outcome commits until it has started. */
export const START_SOON_MS = 10;

/**
 * How long to hold outcome commits back, given the due times of the steps waiting to start
 * (ms): until just after the soonest, if it is due within `START_SOON_MS` (1 ms at a time once
 * it is due: its timer has not run yet), else not at all. Under a burst, commits go in its gaps
 * and after it.
 */
export function holdForSteps(dueTimes: Iterable<number>, now: number): number {
  let soonest = Infinity;
  for (const due of dueTimes) soonest = Math.min(soonest, due);
  const ms = soonest - now;
  return ms > START_SOON_MS ? 0 : Math.max(1, ms + 1);
}

/**
 * The durable schedule's worker: claims due steps with a lease, sends them outside any
 * transaction, and writes each outcome with its done mark and timeline entry in one transaction.
 */
export class StepRunner {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly finishes: FinishQueue;
  private readonly deps: StepDeps;
  /** Claimed steps whose outcome is not written yet: their leases are renewed by the heartbeat. */
  private readonly held: HeldSteps;
  /** Claimed steps whose send is not over yet (at most one and a half batches). */
  private unsent = 0;
  /**
   * Per incident, the end of its steps being sent in this replica (a later batch's steps go
   * after), resolving true if one of them changed the incident (a later batch's read may predate it).
   */
  private readonly chains = new Map<number, Promise<boolean>>();
  /** Per incident, the write of the outcome of its latest step sent here (until written). */
  private readonly lastOutcome = new Map<number, Promise<void>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly kinds: StepRegistry,
    private readonly opts: RunnerOptions,
  ) {
    this.held = new HeldSteps(ctx, opts);
    this.finishes = new FinishQueue(ctx.db, {
      onUnavailable: (e, waiting) => ctx.log.warn({ err: e, waiting }, 'the store is unreachable: step outcomes are kept in memory and written when it is back (not sent again)'),
      holdFor: () => this.msUntilNextStart(),
    });
    this.deps = { ctx, kinds, opts, finishes: this.finishes, wake: () => this.wake() };
  }

  /** Claims and runs one batch of due steps, then redraws stale cards. Returns how many ran. */
  async runDue(): Promise<number> {
    const { claimed, full, sent, written } = await this.startBatch();
    await Promise.all([sent, written]);
    // Under a burst, cards are redrawn once the backlog is through.
    if (!full) await this.afterPass();
    return claimed;
  }

  /**
   * Claims a batch and starts it; resolves once the steps are claimed and their incidents read,
   * with promises of the sends being over and of their outcomes being committed. The loop claims
   * the next batch without waiting for these sends (a claimed step keeps its lease until its
   * outcome is written, so nothing is claimed twice): a step falling due while an earlier one is
   * still being sent starts on time. The loop claims again once at most half a batch is still
   * being sent, so at most one and a half batches are claimed and not yet sent.
   */
  private async startBatch(aheadMs = 0): Promise<{ claimed: number; full: boolean; sent: Promise<void>; written: Promise<unknown> }> {
    const now = this.ctx.clock.now();
    const limit = this.opts.batch;
    const all = await claimDueSteps(this.ctx.db, { worker: this.opts.worker, now, dueBy: new Date(now.getTime() + aheadMs), leaseMs: this.opts.leaseMs, limit });
    // A step this replica still holds (its outcome waits in memory for the store) is not run again.
    const claimed = all.filter((s) => !this.held.has(s.id));
    this.held.hold(claimed.map((s) => s.id));
    this.unsent += claimed.length;
    const byIncident = new Map<number, ClaimedStep[]>();
    for (const s of claimed) byIncident.set(s.incidentId, [...(byIncident.get(s.incidentId) ?? []), s]);
    let incidents: Map<number, StoredIncident>;
    try {
      await this.yieldToRequests();
      incidents = await getIncidents(this.ctx.db, [...byIncident.keys()]);
    } catch (e) {
      // A claimed step that never starts is let go: its lease runs out.
      for (const s of claimed) this.held.release(s.id);
      this.sendsOver(claimed.length);
      throw e;
    }
    const written: Promise<void>[] = [];
    const sends = [...byIncident.values()].map((steps) => {
      // Steps of one incident run in due order, after any of its steps still being sent from an
      // earlier batch (which may change the incident: then it is read again); different
      // incidents run side by side.
      const id = steps[0].incidentId;
      const before = this.chains.get(id) ?? Promise.resolve(false);
      const chain = before.then((changed) => this.runInOrder(steps, changed ? undefined : incidents.get(id), written));
      const tail = chain.then((changed) => changed, () => true);
      this.chains.set(id, tail);
      void tail.then(() => {
        if (this.chains.get(id) === tail) this.chains.delete(id);
      });
      return this.track(chain);
    });
    const sent = Promise.all(sends).then(() => undefined);
    return {
      claimed: all.length,
      full: all.length >= limit,
      sent,
      written: Promise.allSettled(sends).then(() => Promise.all(written)),
    };
  }

  /**
   * Runs one incident's steps of a batch one after another; a step that never starts is let go
   * (its lease runs out). A step whose kind reads what the steps before it did (a PIR drawn after
   * the resolve steps) starts once their outcomes are written. Resolves true if a step changed
   * the incident.
   */
  private async runInOrder(steps: ClaimedStep[], loaded: StoredIncident | undefined, written: Promise<void>[]): Promise<boolean> {
    // The batch's read of the incident serves every step, unless a step says it changed it.
    let incident = loaded;
    let changed = false;
    let started = 0;
    try {
      for (const s of steps) {
        // Outcomes are written in order (FinishQueue), so the latest one written means all are.
        if (this.kinds.get(s.kind)?.readsOutcomes) await this.lastOutcome.get(s.incidentId)?.catch(() => undefined);
        started++;
        // Made ready now, sent at its due time.
        const ran = await runStep(this.deps, s, incident, async () => {
          await this.untilDue(s.id, s.dueAt);
          await this.yieldToRequests();
        }).catch((e) => {
          this.held.release(s.id);
          throw e;
        }).finally(() => this.sendsOver(1));
        const outcome = this.track(ran.written.finally(() => this.held.release(s.id)));
        written.push(outcome);
        this.lastOutcome.set(s.incidentId, outcome);
        void outcome.catch(() => undefined).then(() => {
          if (this.lastOutcome.get(s.incidentId) === outcome) this.lastOutcome.delete(s.incidentId);
        });
        if (ran.changedIncident) [incident, changed] = [undefined, true];
      }
      return changed;
    } finally {
      const unstarted = steps.slice(started);
      for (const s of unstarted) this.held.release(s.id);
      this.sendsOver(unstarted.length);
    }
  }

  /** `n` claimed steps' sends are over (or will never start): the loop may claim again once half a batch is. */
  private sendsOver(n: number): void {
    const before = this.unsent;
    this.unsent -= n;
    const half = this.opts.batch / 2;
    if (before > half && this.unsent <= half) this.wake();
    if (this.unsent === 0) for (const go of this.allSent.splice(0)) go();
  }

  /** Waiting for every claimed step to be sent (after-pass work that gives way to steps). */
  private readonly allSent: (() => void)[] = [];

  /**
   * Resolves once no step this replica claimed is waiting to be sent, or at `giveUpAt` (a steady
   * stream of steps cannot hold the after-pass work back for good): a card redraw started in the
   * middle of a burst would delay every step due after it.
   */
  private stepsFirst(giveUpAt: number): Promise<void> {
    const ms = giveUpAt - performance.now();
    if (this.unsent === 0 || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const allSent = this.allSent;
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        const i = allSent.indexOf(done);
        if (i >= 0) allSent.splice(i, 1);
        resolve();
      }
      allSent.push(done);
    });
  }

  /** Acks come first: background sends wait (briefly, so a steady stream cannot starve them). */
  private async yieldToRequests(): Promise<void> {
    const { deferWhile, maxDeferMs = 250 } = this.opts;
    if (!deferWhile) return;
    const until = performance.now() + maxDeferMs;
    while (deferWhile() && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
  }

  private async track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  /** Due times of the steps waiting for their due time here, by step row id. */
  private readonly waitingForDue = new Map<number, number>();

  /** A step claimed ahead starts at its due time (at most `aheadMs` after its claim). */
  private async untilDue(id: number, dueAt: Date): Promise<void> {
    const ms = dueAt.getTime() - this.ctx.clock.now().getTime();
    this.waitingForDue.set(id, dueAt.getTime());
    try {
      if (ms > 0) await new Promise((r) => setTimeout(r, Math.min(ms, this.opts.aheadMs ?? 0)));
    } finally {
      this.waitingForDue.delete(id);
    }
  }

  /** How long outcome commits wait (FinishQueue's `holdFor`): see `holdForSteps`. */
  private msUntilNextStart(): number {
    return holdForSteps(this.waitingForDue.values(), this.ctx.clock.now().getTime());
  }

  private afterPassRunning = false;
  private afterPassAgain = false;

  /**
   * The loop's after-pass work (redrawing cards: Slack calls) runs beside the next passes, one at
   * a time, so a step falling due meanwhile is not held up by it. A pass that ends while it runs
   * asks for one more round.
   */
  private afterPassInBackground(): void {
    if (this.afterPassRunning) {
      this.afterPassAgain = true;
      return;
    }
    this.afterPassRunning = true;
    void this.track(this.afterPass()).finally(() => {
      this.afterPassRunning = false;
      if (this.afterPassAgain && this.running) {
        this.afterPassAgain = false;
        this.afterPassInBackground();
      }
    });
  }

  private async afterPass(): Promise<void> {
    // One pass waits for steps at most `maxDeferMs` in all (its cards stay held meanwhile).
    const giveUpAt = performance.now() + (this.opts.maxDeferMs ?? 250);
    await this.opts.afterPass?.(() => this.stepsFirst(giveUpAt)).catch((e) => this.ctx.log.warn({ err: e }, 'work after a scheduler pass failed; will try again'));
  }

  /** Something may be due now: cut the current sleep short. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.opts.paused?.()) {
        await this.sleep(this.opts.idleMs);
        continue;
      }
      // A backlog is claimed a batch at a time, once half the last one is sent (sendsOver() wakes the loop).
      if (this.unsent > this.opts.batch / 2) {
        this.woken = false;
        await this.sleep(this.opts.idleMs);
        continue;
      }
      let ran = 0;
      let full = false;
      let claimedAt = 0;
      try {
        this.woken = false;
        await this.yieldToRequests();
        claimedAt = this.ctx.clock.now().getTime();
        const batch = await this.startBatch(this.opts.aheadMs);
        ran = batch.claimed;
        full = batch.full;
        batch.sent.catch((e) => {
          this.ctx.metrics.errors.inc({ where: 'scheduler' });
          this.ctx.log.error({ err: e }, 'scheduler pass failed');
        });
        // Cards are redrawn once the outcomes are in, unless more is due right now.
        batch.written.then(() => {
          if (!full) this.afterPassInBackground();
        }, (e) => this.ctx.log.error({ err: e }, 'writing step outcomes failed; their leases run out and they run again'));
      } catch (e) {
        this.ctx.metrics.errors.inc({ where: 'scheduler' });
        this.ctx.log.error({ err: e }, 'scheduler pass failed');
      }
      if (!this.running) break;
      if (full || this.woken) continue;
      await this.sleep(await this.sleepMs(ran > 0 ? claimedAt : undefined));
    }
  }

  /**
   * Until the next step falls due, less `aheadMs` (it is claimed ahead and started on time), or
   * until the next lease runs out (its step is claimable only then). Passes that claim are at
   * least `aheadMs / 2` apart: a steady stream of steps is claimed in windows (each step between
   * `aheadMs / 2` and `aheadMs` before it falls due), not in one pass, claim and read per step.
   */
  private async sleepMs(claimedAt?: number): Promise<number> {
    const ahead = this.opts.aheadMs ?? 0;
    try {
      const { due, lease } = await nextDueAt(this.ctx.db);
      const now = this.ctx.clock.now().getTime();
      const wakes: number[] = [];
      if (due) wakes.push(claimedAt === undefined ? due.getTime() - ahead : Math.max(due.getTime() - ahead, claimedAt + ahead / 2));
      if (lease) wakes.push(lease.getTime());
      if (!wakes.length) return this.opts.idleMs;
      return Math.max(0, Math.min(this.opts.idleMs, Math.min(...wakes) - now));
    } catch {
      return this.opts.idleMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    }).then(() => {
      this.wakeUp = undefined;
    });
  }

  /** Stops claiming and waits for the steps in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    // Sends in flight finish (bounded: a store that stays down must not hold the stop forever).
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (giveUp = setTimeout(r, 10_000)))]);
    clearTimeout(giveUp);
    await this.finishes.drain(10_000);
    this.held.stop();
  }
}
