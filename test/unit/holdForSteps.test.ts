import { describe, expect, it } from 'vitest';
import { holdForSteps, START_SOON_MS } from '../../src/scheduler/runner.ts';

/** Outcome commits give way to a step about to start (FinishQueue's `holdFor`, from the runner). */
describe('holding outcome commits back for steps about to start', () => {
  const now = 1_000_000;

  it('does not hold when no step is waiting, or the soonest is further off than START_SOON_MS', () => {
    expect(holdForSteps([], now)).toBe(0);
    expect(holdForSteps([now + START_SOON_MS + 1, now + 500], now)).toBe(0);
  });

  it('holds until just after the soonest step due within START_SOON_MS', () => {
    expect(holdForSteps([now + 500, now + 4, now + 9], now)).toBe(5);
    expect(holdForSteps([now + START_SOON_MS], now)).toBe(START_SOON_MS + 1);
  });

  it('holds 1 ms at a time for a step already due whose timer has not run yet', () => {
    expect(holdForSteps([now - 3, now + 200], now)).toBe(1);
    expect(holdForSteps([now], now)).toBe(1);
  });
});
