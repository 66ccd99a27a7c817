/**
 * Slack requests being answered right now. The scheduler defers its own work while there are
 * any, a little, so acks are not slowed by background sends sharing the process.
 */
export class InFlight {
  private n = 0;
  enter(): void {
    this.n++;
  }
  leave(): void {
    this.n = Math.max(0, this.n - 1);
  }
  get busy(): boolean {
    return this.n > 0;
  }
}
