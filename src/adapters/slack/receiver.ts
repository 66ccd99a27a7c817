import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { HTTPModuleFunctions as http, HTTPResponseAck, type AckFn, type App, type Receiver, type RespondArguments, type SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../ports.ts';
import { boltLogger } from './logger.ts';

/** The one slash command drbot registers (manifest.yml). */
export const SLASH_COMMAND = '/dr';
/** Slack's replay window, both ways (https://api.slack.com/authentication/verifying-requests-from-slack). */
const MAX_SKEW_S = 5 * 60;
const UNKNOWN = 'drbot does not know that button or request.';
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const STAMP = /^\d{1,12}$/;

/**
 * Slack's request signature (v0: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret,
 * https://api.slack.com/authentication/verifying-requests-from-slack), checked on the body's
 * bytes as they arrived. Returns why a request is refused, or undefined for Slack's own. The
 * same rules as Bolt's `verifySlackRequest`, minus its cost: Bolt compares with `tsscmp` (a
 * random key and two more HMACs a request) where `timingSafeEqual` does, and decodes the body
 * to a string first.
 */
export function slackSignatureProblem(signingSecret: string, headers: IncomingHttpHeaders, rawBody: Buffer, nowMs: number): string | undefined {
  const stamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (typeof stamp !== 'string' || !STAMP.test(stamp)) return 'no x-slack-request-timestamp header of whole seconds';
  const skew = nowMs / 1000 - Number(stamp);
  if (skew > MAX_SKEW_S) return 'x-slack-request-timestamp is more than 5 minutes old (stale or replayed)';
  if (skew < -MAX_SKEW_S) return 'x-slack-request-timestamp is more than 5 minutes in the future';
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'no x-slack-signature header of the form v0=<64 hex digits>';
  const expected = createHmac('sha256', signingSecret).update(`v0:${stamp}:`).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected) ? undefined : 'signature mismatch';
}

/** Bolt's ack for `/dr`, without its 3 s "unhandled request" timer (drbot's command budget acks first). */
function commandAck(res: ServerResponse): AckFn<string | RespondArguments> {
  return async (body) => {
    if (res.headersSent) throw new Error('a Slack request was acknowledged twice');
    if (!body) {
      res.writeHead(200).end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(200, { ...(typeof body === 'string' ? {} : { 'content-type': 'application/json' }), 'content-length': Buffer.byteLength(text) }).end(text);
  };
}

/**
 * Slack over HTTP as a Bolt receiver mounted on drbot's own HTTP server (which also serves
 * /healthz, /metrics, /status …). Verifies the signature (bad or stale → 401, logged, nothing
 * stored), answers url_verification, and hands everything else to Bolt with an ack.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly boltLog;

  constructor(private readonly o: {
    signingSecret: string; log: Logger; metrics: Metrics; inFlight?: { enter(): void; leave(): void };
    /** `/dr`, answered here without Bolt's listener chain (everything else goes through Bolt). */
    onCommand?: (command: SlashCommand, ack: AckFn<string | RespondArguments>) => Promise<void>;
  }) {
    this.boltLog = boltLogger(o.log);
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** `req.rawBody`: the body as drbot's HTTP server read it (up to the route's limit). */
  async handle(req: IncomingMessage & { rawBody?: Buffer }, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let kind = 'unknown';
    this.o.inFlight?.enter();
    res.once('close', () => this.o.inFlight?.leave());
    res.on('finish', () => this.o.metrics.slackRequestSeconds.observe({ kind }, (performance.now() - started) / 1000));
    const rawBody = req.rawBody ?? Buffer.alloc(0);
    // Slack's SSL check is form-encoded and unsigned: answered, and nothing else in it is read.
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? parseForm(rawBody.toString('utf8')) : undefined;
    if (form?.ssl_check === '1') {
      kind = 'ssl_check';
      return http.buildSSLCheckResponse(res);
    }
    const refused = slackSignatureProblem(this.o.signingSecret, req.headers, rawBody, Date.now());
    if (refused) {
      kind = 'rejected';
      this.o.metrics.errors.inc({ where: 'slack_signature' });
      this.o.log.warn({ ip: req.socket.remoteAddress, reason: refused }, 'rejected a Slack request: bad or stale signature');
      http.buildNoBodyResponse(res, 401);
      return;
    }
    // Commands and interactivity come form-encoded (interactivity as a JSON `payload` field), events as JSON.
    let body;
    try {
      body = form ? (typeof form.payload === 'string' ? JSON.parse(form.payload) : form) : JSON.parse(rawBody.toString('utf8'));
    } catch {
      kind = 'malformed';
      http.buildNoBodyResponse(res, 400);
      return;
    }
    // Signed but not an object (`payload=null`, a bare number): nothing to route, nobody to answer.
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      kind = 'unknown';
      this.o.log.info({ type: typeof body }, 'a signed Slack request with no payload object: acknowledged, nothing done');
      http.buildContentResponse(res, { response_type: 'ephemeral', text: UNKNOWN });
      return;
    }
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    kind = body.command ? 'command' : body.type === 'event_callback' ? 'event' : String(body.type ?? 'unknown');
    const isCommand = body.command === SLASH_COMMAND && this.o.onCommand !== undefined;
    const bound = isCommand ? commandAck(res) : new HTTPResponseAck({
      logger: this.boltLog, processBeforeResponse: false, httpRequest: Object.assign(req, { rawBody }), httpRequestBody: body, httpResponse: res,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler, unhandledRequestTimeoutMillis: 3001,
    }).bind();
    let acked = false;
    const ackOnce = (b?: Parameters<typeof bound>[0]) => {
      acked = true;
      return bound(b);
    };
    try {
      if (isCommand) await this.o.onCommand!(body as SlashCommand, ackOnce);
      else {
        await this.app?.processEvent({
          body, ack: ackOnce,
          retryNum: http.extractRetryNumFromHTTPRequest(req), retryReason: http.extractRetryReasonFromHTTPRequest(req),
        });
      }
      // No listener took it (a view_closed, a payload type drbot does not use): acknowledged now,
      // not after Bolt's 3 s "unhandled request" timer.
      if (!acked && !res.headersSent) {
        this.o.log.info({ kind }, 'a Slack request no listener takes: acknowledged, nothing done');
        await ackOnce();
      }
    } catch (e) {
      this.o.metrics.errors.inc({ where: 'slack_handler' });
      this.o.log.error({ err: e, kind }, 'Slack request handler failed');
      if (!res.headersSent) http.buildNoBodyResponse(res, 500);
    }
  }
}
