/**
 * `p`, or the error `onTimeout()` makes once `ms` have passed without an answer. The timer is
 * cleared as soon as `p` settles. `p` itself is not cancelled (a promise cannot be): the caller
 * decides what a late answer means, through the error it throws here.
 * Uses only the global setTimeout (no `node:` import), so it may live in the core.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p.finally(() => clearTimeout(timer)), late]);
}
