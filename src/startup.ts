import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createHttpServer, listen, sendJson, sendText } from './http/server.ts';
import type { Db } from './store/db.ts';
import { isStoreUnavailable } from './store/unavailable.ts';

/**
 * Opens the store, waiting for it when it is unreachable at start (a database restarting, a
 * replica started first): one clear log line, retries with a growing pause (up to 10 s), and
 * meanwhile `/healthz` 200 and `/readyz` 503 on PORT so an orchestrator sees "alive, not ready"
 * instead of a crash loop. Any other error (a bad migration, a refused login) is thrown.
 */
export async function openStoreWhenReachable(o: { open: () => Promise<Db>; log: Logger; port: number; host?: string; where: string }): Promise<Db> {
  let waitMs = 1_000;
  let server: Server | undefined;
  let why = '';
  const since = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const db = await o.open();
      if (server) {
        o.log.info({ attempt, waitedMs: Date.now() - since }, `the database at ${o.where} answers: starting`);
        await new Promise<void>((r) => server!.close(() => r()));
        server.closeAllConnections();
      }
      return db;
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      why = (e as Error).message || (e as { code?: string }).code || String(e);
      if (!server) {
        server = createHttpServer({
          'GET /healthz': (_q, res) => sendText(res, 200, 'ok\n'),
          'GET /readyz': (_q, res) => sendJson(res, 503, { ready: false, degraded: [], checks: { store: `unreachable: ${why}` }, starting: true }),
        }, o.log);
        const port = await listen(server, o.port, o.host);
        o.log.error({ where: o.where, why, port }, `the database at ${o.where} is unreachable (${why}): waiting for it, retrying with a pause of up to 10 s; /readyz answers 503 until then`);
      } else if (attempt % 10 === 0) {
        o.log.warn({ where: o.where, why, attempt, waitedMs: Date.now() - since }, `still waiting for the database at ${o.where}`);
      }
      await new Promise((r) => setTimeout(r, waitMs));
      waitMs = Math.min(10_000, Math.round(waitMs * 1.5));
    }
  }
}

/** host:port/db of a PostgreSQL URL, without the password. */
export function describeDatabase(url: string | undefined, dataDir: string): string {
  if (!url) return `PGlite in ${dataDir}`;
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
