import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions as http, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../ports.ts';
import { boltLogger } from './logger.ts';

/**
 * Slack over HTTP as a Bolt receiver mounted on drbot's own HTTP server (which also serves
 * /healthz, /metrics, /status …). Verifies the signature (bad or stale → 401, logged, nothing
 * stored), answers url_verification, and hands everything else to Bolt with an ack.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly boltLog;

  constructor(private readonly o: { signingSecret: string; log: Logger; metrics: Metrics; inFlight?: { enter(): void; leave(): void } }) {
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
    if (body.ssl_check === '1') return http.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    kind = body.command ? 'command' : body.type === 'event_callback' ? 'event' : String(body.type ?? 'unknown');
    const ack = new HTTPResponseAck({
      logger: this.boltLog, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler, unhandledRequestTimeoutMillis: 3001,
    });
    try {
      await this.app?.processEvent({
        body, ack: ack.bind(),
        retryNum: http.extractRetryNumFromHTTPRequest(req), retryReason: http.extractRetryReasonFromHTTPRequest(req),
      });
    } catch (e) {
      this.o.metrics.errors.inc({ where: 'slack_handler' });
      this.o.log.error({ err: e, kind }, 'Slack request handler failed');
      if (!res.headersSent) http.buildNoBodyResponse(res, 500);
    }
  }
}
