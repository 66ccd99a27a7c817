/**
 * Recovery actions other than DNS: a signed JSON webhook, or a program run from an argv array.
 * Nothing here goes through a shell: text from Slack can reach an argument, never a command line.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parseRetryAfter } from '../../core/retryAfter.ts';
import { NotConfigured, TransientError, type ActionRunnerPort } from '../../ports.ts';
import { actionsConfigSchema, type ActionsConfig, type ActionsOptions } from './config.ts';

export interface ActionRunnerOptions extends ActionsOptions {
  /** The clock behind X-Drbot-Timestamp and Retry-After dates (tests pin it). */
  now?: () => Date;
  /** drbot's own environment, from which `inheritEnv` picks (default: process.env). */
  parentEnv?: NodeJS.ProcessEnv;
}

/**
 * The signature of an `http` action, sent as `X-Drbot-Signature: sha256=<hex>`:
 *
 *   hex( HMAC-SHA256( key = DRBOT_ACTION_HMAC_KEY, message = timestamp + "." + rawBody ) )
 *
 * where `timestamp` is the exact value of the `X-Drbot-Timestamp` header (Unix seconds, decimal)
 * and `rawBody` the exact bytes of the body as sent (UTF-8 JSON), before any parsing. Covering
 * the timestamp lets a receiver refuse a replay: it recomputes the HMAC over the header it got
 * and the raw body, compares in constant time, then refuses a timestamp outside its tolerance
 * (e.g. 5 minutes) and an `Idempotency-Key` it has already applied.
 */
export function signRequest(key: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function createActionRunner(opts: ActionRunnerOptions = {}): ActionRunnerPort {
  const { now = () => new Date(), parentEnv = process.env, ...rest } = opts;
  const config = actionsConfigSchema.parse(rest);
  return {
    http: (a) => sendHttp(config, now, a),
    exec: (argv, o) => runProgram(config, parentEnv, argv, o),
  };
}

type HttpAction = Parameters<ActionRunnerPort['http']>[0];

async function sendHttp(c: ActionsConfig, now: () => Date, a: HttpAction): Promise<{ status: number; body: string }> {
  if (!c.hmacKey) throw new NotConfigured('recovery actions (http)', ['DRBOT_ACTION_HMAC_KEY']);
  const url = new URL(a.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`http action: ${url.protocol} URLs are not allowed`);
  if (!/^[\x21-\x7e]{1,255}$/.test(a.idempotencyKey)) throw new Error('http action: the idempotency key must be 1–255 visible ASCII characters');
  // Logs and errors name the endpoint without its query string, which may carry a token.
  const where = `${a.method} ${url.origin}${url.pathname}`;
  const raw = JSON.stringify(a.body ?? null);
  const timestamp = String(Math.floor(now().getTime() / 1000));
  let status: number;
  let body: string;
  let retryAfter: string | null;
  try {
    const res = await fetch(url, {
      method: a.method,
      body: raw,
      redirect: 'manual', // a signed request is not replayed to wherever a redirect points
      signal: AbortSignal.timeout(a.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'drbot',
        'x-drbot-signature': signRequest(c.hmacKey, timestamp, raw),
        'x-drbot-timestamp': timestamp,
        'idempotency-key': a.idempotencyKey,
      },
    });
    ({ status } = res);
    retryAfter = res.headers.get('retry-after');
    body = truncate(Buffer.from(await res.arrayBuffer()), c.maxOutputBytes);
  } catch (e) {
    // The idempotency key makes a retry safe even if the first request did arrive.
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${a.timeoutMs} ms` : (err.cause?.code ?? err.message);
    throw new TransientError(`${where}: ${why}`);
  }
  if (status >= 200 && status < 300) return { status, body };
  const detail = `${where} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) throw new TransientError(detail, parseRetryAfter(retryAfter, now()));
  throw new Error(detail);
}

type ExecOptions = Parameters<ActionRunnerPort['exec']>[1];
type ExecResult = Awaited<ReturnType<ActionRunnerPort['exec']>>;

function runProgram(c: ActionsConfig, parentEnv: NodeJS.ProcessEnv, argv: string[], o: ExecOptions): Promise<ExecResult> {
  if (!argv.length || !argv[0]) return Promise.reject(new Error('exec action: empty argv'));
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, so a timeout can kill it with everything it started.
    const child = spawn(argv[0], argv.slice(1), {
      shell: false, detached: true, cwd: o.cwd, env: childEnv(c, parentEnv, o.env), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = capture(child.stdout, c.maxOutputBytes);
    const stderr = capture(child.stderr, c.maxOutputBytes);
    let timedOut = false;
    let settled = false;
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      hardKill = setTimeout(() => {
        killGroup(child.pid, 'SIGKILL');
        // A grandchild outside the group may still hold the pipes; stop waiting for them.
        child.stdout.destroy();
        child.stderr.destroy();
      }, c.killGraceMs);
    }, o.timeoutMs);
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(hardKill);
      fn();
    };
    child.on('error', (e) => finish(() => reject(new Error(`exec action: could not run ${argv[0]}: ${e.message}`))));
    child.on('close', (code) => finish(() => resolve({ code, stdout: stdout.text(), stderr: stderr.text(), timedOut })));
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Only the allowed variables of drbot's environment (never its tokens), plus the action's own. */
function childEnv(c: ActionsConfig, parentEnv: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const allowed = (name: string) => c.inheritEnv.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
  const base = Object.entries(parentEnv).filter((e): e is [string, string] => e[1] !== undefined && allowed(e[0]));
  return { ...Object.fromEntries(base), ...extra };
}

/** Keeps the first `max` bytes and keeps draining, so a chatty program never blocks on a full pipe. */
function capture(stream: Readable, max: number): { text(): string } {
  const kept: Buffer[] = [];
  let size = 0;
  let total = 0;
  stream.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (size < max) {
      const part = chunk.subarray(0, max - size);
      kept.push(part);
      size += part.length;
    }
  });
  stream.on('error', () => undefined); // destroyed after a hard kill
  return { text: () => truncate(Buffer.concat(kept), max, total) };
}

function truncate(buf: Buffer, max: number, total = buf.length): string {
  const text = buf.subarray(0, max).toString('utf8');
  return total > max ? `${text}\n…[${total - max} more bytes not kept]` : text;
}
