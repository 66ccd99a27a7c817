import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions as http, HTTPResponseAck, type AckFn, type App, type Receiver, type RespondArguments, type SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../ports.ts';
import { boltLogger } from './logger.ts';

/** The one slash command drbot registers (manifest.yml). */
export const SLASH_COMMAND = '/dr';
/** Slack's replay window, both ways (https://api.slack.com/authentication/verifying-requests-from-slack). */
const MAX_SKEW_S = 5 * 60;
const UNKNOWN = 'drbot does not know that button or request.';

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

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let kind = 'unknown';
    this.o.inFlight?.enter();
    res.once('close', () => this.o.inFlight?.leave());
    res.on('finish', () => this.o.metrics.slackRequestSeconds.observe({ kind }, (performance.now() - started) / 1000));
    // Bolt refuses stamps older than Slack's 5 minutes; one from the future is refused the same way.
    const stamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(stamp) && stamp > Date.now() / 1000 + MAX_SKEW_S) {
      kind = 'rejected';
      this.o.metrics.errors.inc({ where: 'slack_signature' });
      this.o.log.warn({ ip: req.socket.remoteAddress, stamp }, 'rejected a Slack request: stamped more than 5 minutes in the future');
      http.buildNoBodyResponse(res, 401);
      return;
    }
    let buffered;
    try {
      buffered = await http.parseAndVerifyHTTPRequest({ enabled: true, signingSecret: this.o.signingSecret }, req);
    } catch (e) {
      kind = 'rejected';
      const tooLarge = http.isRawBodyError(e) && (e.type === 'entity.too.large' || e.statusCode === 413);
      this.o.metrics.errors.inc({ where: tooLarge ? 'slack_body_too_large' : 'slack_signature' });
      this.o.log.warn({ ip: req.socket.remoteAddress, reason: (e as Error).message }, tooLarge ? 'Slack request too large' : 'rejected a Slack request: bad or stale signature');
      http.buildNoBodyResponse(res, tooLarge ? 413 : 401);
      return;
    }
    let body;
    try {
      body = http.parseHTTPRequestBody(buffered);
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
    if (body.ssl_check === '1') return http.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    kind = body.command ? 'command' : body.type === 'event_callback' ? 'event' : String(body.type ?? 'unknown');
    const ack = new HTTPResponseAck({
      logger: this.boltLog, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler, unhandledRequestTimeoutMillis: 3001,
    });
    const bound = ack.bind();
    let acked = false;
    const ackOnce = (b?: Parameters<typeof bound>[0]) => {
      acked = true;
      return bound(b);
    };
    try {
      if (body.command === SLASH_COMMAND && this.o.onCommand) await this.o.onCommand(body as SlashCommand, ackOnce);
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
