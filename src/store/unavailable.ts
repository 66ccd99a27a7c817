/**
 * Is this error the store being out of reach (down, restarting, unreachable, too slow), as
 * opposed to a bug or a refused statement? Callers answer the first in words ("not recorded,
 * try again") and keep work in memory to write later; the second stays an error.
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// PostgreSQL: connection exceptions (08…), shutdown / cannot connect now / crash (57P…), too many connections (53300).
const SQLSTATE = /^(08...|57P0[1-4]|53300)$/;
const MESSAGES = [
  'Connection terminated', 'timeout exceeded when trying to connect', 'Query read timeout', 'Connection ended unexpectedly',
  'Client has encountered a connection error', 'the database system is', 'terminating connection', 'store unavailable',
];

export function isStoreUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const err = cur as { code?: unknown; message?: unknown; errors?: unknown[] };
    if (typeof err.code === 'string' && (NETWORK.has(err.code) || SQLSTATE.test(err.code))) return true;
    if (typeof err.message === 'string' && MESSAGES.some((m) => (err.message as string).includes(m))) return true;
    // AggregateError (a host with several addresses, all refused).
    if (Array.isArray(err.errors) && err.errors.some((x) => isStoreUnavailable(x))) return true;
  }
  return false;
}

/** Thrown by a store call that did not answer in time. */
export class StoreUnavailable extends Error {
  constructor(why: string) {
    super(`store unavailable: ${why}`);
    this.name = 'StoreUnavailable';
  }
}

/** A write refused because the database is a read-only standby (SQLSTATE 25006). */
export function isReadOnlyStore(e: unknown): boolean {
  return (e as { code?: unknown } | undefined)?.code === '25006';
}
