import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptWebSocket, type MiniWebSocket } from './socket.ts';
import { SlackWorkspace, type ChannelSeed, type SlackChannel, type SlackEphemeral, type SlackMessage, type SlackOpenedView } from './state.ts';
import { isKnownMethod, parseSlackRequest, validateSlackCall, validateSlackResponse } from './validate.ts';

export type { ChannelSeed, SlackChannel, SlackEphemeral, SlackMessage, SlackOpenedView } from './state.ts';

type Json = Record<string, unknown>;

export interface SlackStandInOptions {
  /** The bot token accepted on Web API calls (drbot's SLACK_BOT_TOKEN). */
  botToken?: string;
  /** The app-level token accepted by apps.connections.open (drbot's SLACK_APP_TOKEN). */
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Channels that exist before drbot starts (announcements, engineering, where `/dr` is typed …). */
  channels?: ChannelSeed[];
  /** How long socketSend waits for drbot's ack (Slack's deadline is 3 s). */
  ackTimeoutMs?: number;
  /** How long a trigger_id made by the request helpers stays valid (Slack: 3 s). */
  triggerTtlMs?: number;
  /** The clock `SlackCall.at` is read from (a test with a manual clock passes it; default Date.now). */
  now?: () => number;
}

export interface SlackCall {
  method: string;
  /** Arguments as Slack reads them: query + body merged, token removed, `blocks`/`view` decoded. */
  args: Json;
  /** When the request arrived (ms since the epoch, by the `now` option: default Date.now()). */
  at: number;
  /** HTTP status and Slack `error` of the answer, once sent. */
  status?: number;
  error?: string;
}

/** A Socket Mode envelope as Slack sends it: `{ envelope_id, type, payload, accepts_response_payload }`. */
export interface SocketEnvelope {
  type: 'slash_commands' | 'interactive' | 'events_api' | (string & {});
  payload: unknown;
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** What the app sends back on the socket: `{ envelope_id, payload? }`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Json;
}

export interface SlackStandIn {
  /** Web API base URL ending in `/api/`: give it to drbot as SLACK_API_URL. */
  readonly url: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly calls: SlackCall[];
  /** Every spec or Block Kit violation seen; each one was also answered `invalid_arguments`. Bad answers of the stand-in itself are listed too. */
  readonly violations: string[];
  /**
   * Answers of the stand-in itself that break Slack's description: a stand-in bug, never expected
   * by a test. `close()` throws them, so the test that made the call fails even if it never asks.
   */
  readonly responseErrors: string[];
  readonly channels: SlackChannel[];
  readonly ephemerals: SlackEphemeral[];
  readonly views: SlackOpenedView[];
  /** Open Socket Mode connections. */
  readonly socketConnections: number;
  messages(channelId: string): SlackMessage[];
  channelByName(name: string): SlackChannel | undefined;
  addChannel(seed: ChannelSeed): SlackChannel;
  /** The next call to `method` answers `{ ok: false, error: slackError }`. Queued in order with rateLimitNext. */
  failNext(method: string, slackError: string): void;
  /** The next call to `method` answers HTTP 429 with `Retry-After: <seconds>`. */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /** The next call to `method` is answered `ms` later. */
  delayNext(method: string, ms: number): void;
  /** Polls until `predicate(standIn)` is truthy and returns that value; rejects with the recent calls on timeout. */
  waitFor<T>(predicate: (s: SlackStandIn) => T, timeoutMs?: number, what?: string): Promise<NonNullable<T>>;
  /** Throws listing every violation, if any. */
  assertNoViolations(): void;
  /** Pushes an envelope to drbot over Socket Mode and resolves with its ack. */
  socketSend(envelope: SocketEnvelope): Promise<SocketAck>;
  /** Sends Slack's `disconnect` message (the client is expected to reconnect). */
  socketDisconnect(reason?: string): void;
  close(): Promise<void>;
}

type Injection = { kind: 'fail'; error: string } | { kind: 'ratelimit'; seconds: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Which envelopes let the app answer with a payload (Socket Mode docs: commands, view submissions, options). */
function acceptsPayload(e: SocketEnvelope): boolean {
  if (e.type === 'slash_commands') return true;
  const t = (e.payload as { type?: string } | null)?.type;
  return e.type === 'interactive' && (t === 'view_submission' || t === 'block_suggestion');
}

export async function startSlackStandIn(opts: SlackStandInOptions = {}): Promise<SlackStandIn> {
  const botToken = opts.botToken ?? 'xoxb-standin-bot-token';
  const appToken = opts.appToken ?? 'xapp-1-A0STANDIN-standin-app-token';
  const ids = { teamId: opts.teamId ?? 'T0STANDIN', botUserId: opts.botUserId ?? 'U0STANDINBOT', botId: opts.botId ?? 'B0STANDIN', appId: opts.appId ?? 'A0STANDIN' };
  const ws = new SlackWorkspace(ids, opts.triggerTtlMs);
  for (const seed of opts.channels ?? []) ws.addChannel(seed);

  const calls: SlackCall[] = [];
  const violations: string[] = [];
  const responseErrors: string[] = [];
  const injections = new Map<string, Injection[]>();
  const delays = new Map<string, number[]>();
  const tickets = new Set<string>();
  const sockets = new Set<MiniWebSocket>();
  const pending = new Map<string, { resolve: (a: SocketAck) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const acked = new Set<string>();
  let port = 0;

  const queue = <T>(m: Map<string, T[]>, method: string, item: T) => m.set(method, [...(m.get(method) ?? []), item]);
  const take = <T>(m: Map<string, T[]>, method: string): T | undefined => m.get(method)?.shift();

  /** Slack's answer to a call that passed the test-directed injections. */
  function answer(method: string, token: string | undefined, args: Json, problems: string[]): Json {
    if (!isKnownMethod(method)) return { ok: false, error: 'unknown_method' };
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== botToken && token !== appToken) return { ok: false, error: 'invalid_auth' };
    const socketMode = method === 'apps.connections.open';
    if (socketMode !== (token === appToken)) return { ok: false, error: 'not_allowed_token_type' };
    if (problems.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
    if (socketMode) {
      const ticket = randomUUID();
      tickets.add(ticket);
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${ids.appId}` };
    }
    const reply = ws.handle(method, args);
    if (reply.error === 'not_implemented_by_standin') violations.push(`${method}: the stand-in does not implement this method yet (a stand-in gap, not a drbot bug)`);
    return reply;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Stamped first: reading the body and checking it against the API description take time
    // that is the stand-in's, not the caller's.
    const at = (opts.now ?? Date.now)();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname)?.[1];
    if (!method) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not a Web API path');
    const body = await readBody(req);
    // Requests that arrived together are stamped before this one is checked (the check is
    // synchronous and would hold up their stamps).
    await new Promise((r) => setImmediate(r));
    const parsed = parseSlackRequest(method, url.searchParams, req.headers, body);
    const checked = validateSlackCall(method, parsed.args);
    const call: SlackCall = { method, args: checked.args, at };
    calls.push(call);
    const problems = [...parsed.problems, ...checked.violations];
    if (!parsed.token && isKnownMethod(method)) problems.push(`${method}: no token (send Authorization: Bearer, or a 'token' form field)`);
    violations.push(...problems);

    const delay = take(delays, method);
    if (delay) await sleep(delay);
    const injected = take(injections, method);
    if (injected?.kind === 'ratelimit') {
      Object.assign(call, { status: 429, error: 'ratelimited' });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(injected.seconds) });
      return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    const reply = injected?.kind === 'fail' ? { ok: false, error: injected.error } : answer(method, parsed.token, checked.args, problems);
    Object.assign(call, { status: 200, ...(reply.ok ? {} : { error: String(reply.error) }) });
    // A gap already reported above is not reported twice as a bad answer.
    if (reply.error !== 'not_implemented_by_standin' && reply.error !== 'unknown_method') {
      const bad = validateSlackResponse(method, reply).map((e) => `stand-in answer breaks the description: ${e}`);
      responseErrors.push(...bad);
      violations.push(...bad);
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply));
  }

  function onSocketMessage(text: string): void {
    let msg: { envelope_id?: string; payload?: Json };
    try {
      msg = JSON.parse(text);
    } catch {
      return void violations.push(`socket: a message that is not JSON: ${text.slice(0, 200)}`);
    }
    const id = msg.envelope_id;
    if (!id) return void violations.push(`socket: a message without envelope_id: ${text.slice(0, 200)}`);
    if (acked.has(id)) return void violations.push(`socket: envelope ${id} acknowledged twice`);
    const p = pending.get(id);
    if (!p) return void violations.push(`socket: ack for an envelope Slack never sent: ${id}`);
    acked.add(id);
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve({ envelope_id: id, ...(msg.payload !== undefined ? { payload: msg.payload } : {}) });
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: Error) => {
      violations.push(`stand-in error: ${e.message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    // A ticket from apps.connections.open is good for one connection.
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) return void socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    const conn = acceptWebSocket(req, socket, head);
    if (!conn) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    sockets.add(conn);
    conn.on('close', () => sockets.delete(conn));
    conn.on('message', onSocketMessage);
    conn.send(JSON.stringify({
      type: 'hello', num_connections: sockets.size, connection_info: { app_id: ids.appId },
      debug_info: { host: 'standin-wss', build_number: 1, approximate_connection_time: 3600 },
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const recent = () =>
    calls.slice(-10).map((c) => `  ${c.method} ${JSON.stringify(c.args).slice(0, 160)} → ${c.error ?? (c.status ? 'ok' : 'pending')}`).join('\n') || '  (none)';

  const standIn: SlackStandIn = {
    url: `http://127.0.0.1:${port}/api/`,
    botToken,
    appToken,
    calls,
    violations,
    responseErrors,
    get channels() {
      return [...ws.channels.values()];
    },
    ephemerals: ws.ephemerals,
    views: ws.views,
    get socketConnections() {
      return [...sockets].filter((s) => s.isOpen).length;
    },
    messages: (channelId) => [...(ws.messages.get(channelId) ?? [])],
    channelByName: (name) => ws.channelByName(name),
    addChannel: (seed) => ws.addChannel(seed),
    failNext: (method, error) => queue(injections, method, { kind: 'fail', error }),
    rateLimitNext: (method, seconds) => queue(injections, method, { kind: 'ratelimit', seconds }),
    delayNext: (method, ms) => queue(delays, method, ms),

    async waitFor<T>(predicate: (s: SlackStandIn) => T, timeoutMs = 5000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      let lastError = '';
      for (;;) {
        try {
          const v = predicate(standIn);
          if (v) return v as NonNullable<T>;
        } catch (e) {
          lastError = ` (last error from the predicate: ${(e as Error).message})`;
        }
        if (Date.now() >= deadline) {
          throw new Error(`Slack stand-in: waitFor(${what}) timed out after ${timeoutMs} ms${lastError}.\nLast calls:\n${recent()}\nViolations: ${violations.length ? `\n  ${violations.join('\n  ')}` : 'none'}`);
        }
        await sleep(20);
      }
    },

    assertNoViolations() {
      if (violations.length) throw new Error(`Slack stand-in saw ${violations.length} violation(s):\n  ${violations.join('\n  ')}`);
    },

    socketSend(envelope) {
      const conn = [...sockets].reverse().find((s) => s.isOpen);
      if (!conn) return Promise.reject(new Error('Slack stand-in: no Socket Mode connection (drbot has not called apps.connections.open and connected)'));
      const full = { ...envelope, envelope_id: envelope.envelope_id ?? randomUUID(), accepts_response_payload: envelope.accepts_response_payload ?? acceptsPayload(envelope) };
      const ms = opts.ackTimeoutMs ?? 3000;
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(full.envelope_id);
          reject(new Error(`Slack stand-in: no ack for ${full.type} envelope ${full.envelope_id} within ${ms} ms`));
        }, ms);
        pending.set(full.envelope_id, { resolve, reject, timer });
        conn.send(JSON.stringify(full));
      });
    },

    socketDisconnect(reason = 'refresh_requested') {
      for (const s of sockets) s.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'standin-wss' } }));
    },

    async close() {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('Slack stand-in closed'));
      }
      pending.clear();
      for (const s of sockets) s.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (responseErrors.length) throw new Error(`Slack stand-in answered outside its description:\n  ${responseErrors.join('\n  ')}`);
    },
  };
  return standIn;
}
