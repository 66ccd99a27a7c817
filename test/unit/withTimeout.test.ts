import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from '../../src/core/withTimeout.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('passes an answer through, and clears its timer', async () => {
    vi.useFakeTimers();
    const p = withTimeout(Promise.resolve(42), 1000, () => new Error('late'));
    await expect(p).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a failure through unchanged', async () => {
    vi.useFakeTimers();
    const boom = new Error('boom');
    await expect(withTimeout(Promise.reject(boom), 1000, () => new Error('late'))).rejects.toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the caller\'s error once the time is up, not before', async () => {
    vi.useFakeTimers();
    class Late extends Error {}
    let settled: unknown;
    const p = withTimeout(new Promise<never>(() => {}), 1000, () => new Late('no answer in 1000 ms'));
    p.then((v) => (settled = v), (e: unknown) => (settled = e));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBeInstanceOf(Late);
    expect((settled as Error).message).toBe('no answer in 1000 ms');
  });
});
