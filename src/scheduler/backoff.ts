/** Exponential backoff with full jitter; a provider's Retry-After wins when it is longer. */
export function retryDelayMs(attempt: number, o: { baseMs: number; maxMs: number; retryAfterMs?: number }, random = Math.random): number {
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(jittered, o.retryAfterMs ?? 0);
}
