import type { Clock } from '../../src/ports.ts';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2026-11-24T09:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
  set(at: Date): void {
    this.t = new Date(at);
  }
}
