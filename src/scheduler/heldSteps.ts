import type { AppContext } from '../service/context.ts';
import { renewLeases } from '../store/sql/renewLeases.ts';
import type { RunnerOptions } from './runnerOptions.ts';

/**
 * The steps this replica has claimed and whose outcome is not written yet. While any are held,
 * a heartbeat renews all their leases every `leaseMs / 3` (one statement), so a short lease
 * covers a long send and a replica that dies loses its steps within `leaseMs`.
 */
export class HeldSteps {
  private readonly ids = new Set<number>();
  private heartbeat?: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: Pick<RunnerOptions, 'worker' | 'leaseMs'>,
  ) {}

  has(id: number): boolean {
    return this.ids.has(id);
  }

  hold(ids: number[]): void {
    for (const id of ids) this.ids.add(id);
    if (this.ids.size && !this.heartbeat) {
      this.heartbeat = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
      this.heartbeat.unref();
    }
  }

  release(id: number): void {
    if (!this.ids.delete(id)) return;
    if (!this.ids.size) this.stop();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Renews the leases of every held step (one statement); a failure is retried at the next beat. */
  private async beat(): Promise<void> {
    if (this.beating || !this.ids.size) return;
    this.beating = true;
    const ids = [...this.ids];
    try {
      const kept = await renewLeases(this.ctx.db, { worker: this.opts.worker, ids, until: new Date(this.ctx.clock.now().getTime() + this.opts.leaseMs) });
      const lost = ids.filter((id) => !kept.has(id) && this.ids.has(id));
      if (lost.length) this.ctx.log.debug({ lost }, 'heartbeat: steps no longer held (finished, or taken over)');
    } catch (e) {
      this.ctx.log.warn({ err: e, steps: ids.length }, 'heartbeat: could not renew step leases; will try again');
    } finally {
      this.beating = false;
    }
  }
}
