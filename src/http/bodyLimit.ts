import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request bodies are read by the server, before any handler, up to a limit per route: a body
 * that declares (Content-Length) or turns out (while streaming) to be larger is refused with 413
 * without being buffered, and its connection is closed. Handlers get the bytes as `rawBody`
 * (the property Bolt's receiver looks for, so Slack's body is read once).
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Slack's payloads are small (a modal submission is the largest, tens of KiB). */
export const SLACK_BODY_LIMIT = 1 * MiB;
/** Alertmanager batches up to a few hundred alerts with their labels and annotations. */
export const ALERTS_BODY_LIMIT = 4 * MiB;
/** Every other route (GET endpoints carry no body). */
export const DEFAULT_BODY_LIMIT = 64 * KiB;

export interface BufferedRequest extends IncomingMessage {
  rawBody?: Buffer;
}

/** How much of a refused body is read and thrown away so the client can read the 413 before the close. */
const DRAIN_MAX = 4 * MiB;
const DRAIN_MS = 1_000;

/** The body, or `undefined` when it is larger than `limit` (reading stops there; nothing past it is kept). */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onAborted = () => {
      cleanup();
      reject(new Error('the client closed the connection before the body ended'));
    };
    function cleanup() {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * 413 in words, then the connection is closed. The rest of the body is read and discarded for a
 * moment (a bounded amount) so a client still writing can read the answer instead of a reset.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const text = `The request body is larger than ${formatBytes(limit)}, the limit for ${(req.url ?? '/').split('?')[0]}: refused unread.\n`;
  res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
  let drained = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.socket.destroy();
  };
  const onData = (c: Buffer) => {
    drained += c.length;
    if (drained > DRAIN_MAX) stop();
  };
  const timer = setTimeout(stop, DRAIN_MS);
  timer.unref();
  req.on('data', onData);
  req.once('end', () => clearTimeout(timer));
  req.resume();
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}
