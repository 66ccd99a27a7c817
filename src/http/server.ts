import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ConfigError } from '../config/errors.ts';
import { DEFAULT_BODY_LIMIT, readLimitedBody, refuseTooLarge, type BufferedRequest } from './bodyLimit.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** `METHOD /path` → handler. Paths are exact; the query string is ignored for matching. */
export type Routes = Record<string, RouteHandler>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const STORE_DOWN_TEXT = "drbot cannot reach its database right now, so this could not be answered and nothing was recorded. Try again in a minute; GET /readyz says when the database is back.\n";

export interface HttpServerOptions {
  /** Largest body per route (`METHOD /path`), in bytes; others get DEFAULT_BODY_LIMIT. */
  bodyLimits?: Record<string, number>;
  /** Tells a store outage (or a read-only standby) from a bug, so it is answered 503 in words. */
  storeProblem?: (e: unknown) => 'unavailable' | 'read-only' | undefined;
}

/**
 * drbot's HTTP server: Slack's endpoint and the operational endpoints share one port. Bodies are
 * read here, up to the route's limit, before the handler runs (`req.rawBody`).
 */
export function createHttpServer(routes: Routes, log: Logger, o: HttpServerOptions = {}): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = routes[`${req.method} ${path}`];
    if (!handler) {
      const allowed = Object.keys(routes).filter((k) => k.endsWith(` ${path}`)).map((k) => k.split(' ')[0]);
      if (allowed.length) {
        res.setHeader('allow', allowed.join(', '));
        return sendText(res, 405, `Use ${allowed.join(' or ')} on ${path}.\n`);
      }
      return sendText(res, 404, `Not found: ${path}\n`);
    }
    const limit = o.bodyLimits?.[`${req.method} ${path}`] ?? DEFAULT_BODY_LIMIT;
    readLimitedBody(req, limit).then((body) => {
      if (body === undefined) {
        log.warn({ path, limit, declared: req.headers['content-length'], ip: req.socket.remoteAddress }, 'refused a request body over the limit');
        return refuseTooLarge(req, res, limit);
      }
      (req as BufferedRequest).rawBody = body;
      return handler(req, res);
    }).catch((e) => {
      const store = o.storeProblem?.(e);
      if (store === 'read-only') {
        log.warn({ path }, 'HTTP request answered 503: this drbot is a standby on a read-only replica');
        if (!res.headersSent) sendText(res, 503, 'This drbot is a standby on a read-only database replica: send this to the active drbot. Nothing was recorded here.\n');
        else res.end();
        return;
      }
      if (store === 'unavailable') {
        log.warn({ err: e, path }, 'HTTP request answered 503: the store is unavailable');
        if (!res.headersSent) sendText(res, 503, STORE_DOWN_TEXT, 'text/plain; charset=utf-8');
        else res.end();
        return;
      }
      log.error({ err: e, path }, 'HTTP handler failed');
      if (!res.headersSent) sendText(res, 500, 'Internal error\n');
      else res.end();
    });
  });
}

/**
 * Listens on PORT. A port that cannot be had is a setting to change, said in one line (a
 * ConfigError: drbot exits 78), not an EADDRINUSE stack.
 */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const refuse = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new ConfigError('PORT_IN_USE', [`PORT ${port} is already in use: stop the other process or set PORT to a free port`]));
      else if (e.code === 'EACCES') reject(new ConfigError('PORT_IN_USE', [`PORT ${port} needs privileges this process does not have: set PORT to 1024 or above`]));
      else reject(e);
    };
    server.once('error', refuse);
    server.listen(port, host, () => {
      server.off('error', refuse);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
