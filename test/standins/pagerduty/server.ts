/**
 * A local PagerDuty for tests and drills: Events API v2 (`POST /v2/enqueue`) and the REST
 * API's `GET /incidents`, over HTTPS with a throwaway CA (pdjs always speaks HTTPS).
 * Every request is checked against PagerDuty's published OpenAPI descriptions
 * (test/specs/pagerduty); a request that breaks them is recorded in `violations` and answered
 * 400 with PagerDuty's error body. Its own answers are checked against them too (`checkResponse`).
 *
 * Rules added by hand, because the descriptions state them only in prose:
 * - Events: `dedup_key` is required unless `event_action` is `trigger`.
 * - Events: a `trigger` needs a `payload` (PagerDuty answers 400 without one).
 * - REST: `Authorization: Token token=<key>` (the description's `api_key` security scheme).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';
import { OpenApiValidator, type OpenApiMatch } from '../openapi.ts';

const SPECS = fileURLToPath(new URL('../../specs/pagerduty/', import.meta.url));
let eventsSpec: OpenApiValidator | undefined;
let restSpec: OpenApiValidator | undefined;
// The REST description is 2.7 MB: load it once per worker.
const eventsValidator = () => (eventsSpec ??= OpenApiValidator.fromFile(`${SPECS}events-v2.openapiv3.json`, { basePath: '/v2', fix: (spec) => (urlAsUri(spec), eventErrorResponses(spec)) }));
const restValidator = () => (restSpec ??= OpenApiValidator.fromFile(`${SPECS}rest.openapiv3.json`, { fix: urlAsUri }));

/**
 * The descriptions say `format: url`, which is no JSON Schema format; ajv-formats reads it as
 * "public web URL" and refuses http://localhost:3000/… or https://10.0.0.5/…, links PagerDuty
 * itself accepts. Check those fields as RFC 3986 URIs instead.
 * `format: activesupport-time-zone` and `format: tzinfo` (time-zone names, e.g. a user's or a
 * service's) are PagerDuty's own: ajv cannot check them and would only print a warning, so they
 * are dropped (the field is still checked as a string).
 */
function urlAsUri(v: unknown): void {
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (o.format === 'url') o.format = 'uri';
  if (o.format === 'activesupport-time-zone' || o.format === 'tzinfo') delete o.format;
  for (const x of Object.values(o)) urlAsUri(x);
}

/**
 * The Events description's 400 and 429 answers are written `{ "description": "#/components/responses/ArgumentError" }`
 * (and `TooManyRequests`): a reference put in the wrong field, to responses it never defines, so
 * they carry no schema. PagerDuty documents both answers in the shape of the description's own
 * `Error` response (`status`, `message`, `errors`), so they are checked against that one.
 */
function eventErrorResponses(spec: Record<string, unknown>): void {
  const paths = spec.paths as Record<string, Record<string, { responses?: Record<string, { description?: string; $ref?: string }> }>>;
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      for (const code of ['400', '429']) {
        const r = op.responses?.[code];
        if (r && !r.$ref && /^#\/components\/responses\//.test(r.description ?? '')) op.responses![code] = { $ref: '#/components/responses/Error' };
      }
    }
  }
}

type Json = Record<string, unknown>;
type Status = 'triggered' | 'acknowledged' | 'resolved';

export interface StandInIncident {
  id: string;
  number: number;
  dedupKey: string;
  routingKey: string;
  status: Status;
  summary: string;
  severity: string;
  source: string;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt?: Date;
  acknowledgements: { at: Date; by: { id: string; type: 'user_reference' | 'service_reference'; name: string } }[];
  /** What happened to it, in order: trigger, trigger (deduplicated), acknowledge, resolve. */
  log: { at: Date; type: string; by?: string }[];
}

/** An accepted Events API request, as sent. */
export interface StandInEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: Json };
  links?: { href: string; text?: string }[];
  [k: string]: unknown;
}

export interface StandInOptions {
  /** Routing keys PagerDuty knows; others get 400 "Invalid routing key". Unset: any key. */
  routingKeys?: string[];
  /** The REST API token; a different one gets 401. Unset: any well-formed token. */
  apiToken?: string;
}

interface Injected { status: number; retryAfter?: number | string }

export class PagerDutyStandIn {
  readonly violations: string[] = [];
  /** Answers of the stand-in itself that break the description (see checkResponse). */
  readonly responseErrors: string[] = [];
  readonly events: StandInEvent[] = [];
  readonly incidents: StandInIncident[] = [];
  /** Every request with the status it got (shows pdjs's own retries). */
  readonly requests: { method: string; path: string; status: number }[] = [];
  private readonly injected: Injected[] = [];
  private nextNumber = 1;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** PEM of the throwaway CA: `new https.Agent({ ca: caPem })`. */
    readonly caPem: string,
    /** The same CA as a file, for a spawned drbot: `NODE_EXTRA_CA_CERTS=<caFile>`. */
    readonly caFile: string,
    private readonly o: StandInOptions,
  ) {}

  static async start(o: StandInOptions = {}): Promise<PagerDutyStandIn> {
    const tls = await certificates();
    const dir = mkdtempSync(join(tmpdir(), 'pd-standin-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, tls.caPem);
    let standIn: PagerDutyStandIn | undefined;
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      standIn!.handle(req, res).catch((e) => reply(res, 500, { status: 'internal error', message: String(e) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new PagerDutyStandIn(server, `https://127.0.0.1:${port}`, tls.caPem, caFile, o);
    return standIn;
  }

  // ---- test controls -------------------------------------------------------------------

  /** A person acknowledges in PagerDuty (web or phone), not through the Events API. */
  acknowledge(dedupKey: string, byUserName: string): StandInIncident {
    const i = this.openIncident(dedupKey);
    if (!i) throw new Error(`stand-in: no open incident with dedup key ${dedupKey}`);
    const at = new Date();
    i.status = 'acknowledged';
    i.updatedAt = at;
    i.acknowledgements.push({ at, by: { id: `PUSER${String(i.acknowledgements.length + 1).padStart(2, '0')}`, type: 'user_reference', name: byUserName } });
    i.log.push({ at, type: 'acknowledge', by: byUserName });
    return i;
  }

  /** The next `n` valid requests get 429 with `Retry-After: retryAfter` (seconds, or a string sent as is, e.g. an HTTP date). */
  rateLimitNext(n: number, retryAfter: number | string): void {
    for (let k = 0; k < n; k++) this.injected.push({ status: 429, retryAfter });
  }

  /** The next `n` valid requests get `status` with PagerDuty's error body. */
  failNext(status: number, n = 1): void {
    for (let k = 0; k < n; k++) this.injected.push({ status });
  }

  assertNoViolations(): void {
    if (this.violations.length) throw new Error(`PagerDuty stand-in saw ${this.violations.length} request(s) breaking the description:\n${this.violations.join('\n')}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(join(this.caFile, '..'), { recursive: true, force: true });
    if (this.responseErrors.length) throw new Error(`PagerDuty stand-in answered outside its description:\n${this.responseErrors.join('\n')}`);
  }

  /**
   * The stand-in's own answer against the description: a mismatch is a stand-in bug, never
   * expected by a test. It is listed in `violations` and `responseErrors`, and `close()` throws
   * it, so the test that made the request fails even if it never asks for the violations.
   */
  private checkResponse(where: string, v: OpenApiValidator, m: OpenApiMatch, status: number, body: unknown): void {
    const errors = v.validateResponse(m, status, body).map((e) => `${where}: stand-in answer breaks the description: ${e}`);
    this.responseErrors.push(...errors);
    this.violations.push(...errors);
  }

  // ---- requests ------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    const method = req.method ?? 'GET';
    const isEvents = url.pathname.startsWith('/v2/');
    let match: OpenApiMatch | undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: url.pathname, status });
      if (match?.template) this.checkResponse(`${method} ${url.pathname}`, isEvents ? eventsValidator() : restValidator(), match, status, body);
      reply(res, status, body, headers);
    };

    const raw = await readBody(req);
    const errors: string[] = [];
    let body: unknown;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        errors.push(`${method} ${url.pathname}: the body is not JSON`);
      }
    }
    match = (isEvents ? eventsValidator() : restValidator()).validate({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body });
    errors.push(...match.errors);
    if (isEvents && match.operationId === 'createV2Event' && body && typeof body === 'object') errors.push(...eventRules(body as Json));
    const token = isEvents ? undefined : restToken(req.headers.authorization);
    const badAuth = !isEvents && token === undefined;
    if (badAuth) errors.push(`${method} ${url.pathname}: Authorization must be "Token token=<API key>" (security scheme api_key)`);

    if (errors.length) {
      this.violations.push(...errors);
      if (badAuth) return send(401, { error: { code: 2006, message: 'Authentication failed' } });
      return isEvents
        ? send(400, { status: 'invalid event', message: 'Event object is invalid', errors })
        : send(400, { error: { code: 2001, message: 'Invalid Input Provided', errors } });
    }
    if (!isEvents && this.o.apiToken && token !== this.o.apiToken) return send(401, { error: { code: 2006, message: 'Authentication failed' } });

    const injected = this.injected.shift();
    if (injected) return send(injected.status, errorBody(isEvents, injected.status), injected.retryAfter === undefined ? {} : { 'Retry-After': String(injected.retryAfter) });

    if (match.operationId === 'createV2Event') {
      const r = this.enqueue(body as StandInEvent);
      return send(r.status, r.body);
    }
    if (match.operationId === 'createChangeEvent') return send(202, { status: 'success', message: 'Change event processed' });
    if (match.operationId === 'listIncidents') return send(200, this.list(url.searchParams));
    return send(501, { error: { code: 2100, message: `the stand-in does not implement ${match.operationId ?? url.pathname}` } });
  }

  private enqueue(e: StandInEvent): { status: number; body: Json } {
    if (this.o.routingKeys && !this.o.routingKeys.includes(e.routing_key)) {
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] } };
    }
    this.events.push(e);
    const dedupKey = e.dedup_key ?? randomUUID().replace(/-/g, '');
    const at = new Date();
    const open = this.openIncident(dedupKey, e.routing_key);
    if (e.event_action === 'trigger') {
      if (open) open.log.push({ at, type: 'trigger (deduplicated)' });
      else this.incidents.push(this.newIncident(e, dedupKey, at));
    } else if (open && e.event_action === 'acknowledge' && open.status === 'triggered') {
      open.status = 'acknowledged';
      open.updatedAt = at;
      open.acknowledgements.push({ at, by: { id: 'PSERVICE', type: 'service_reference', name: 'drbot stand-in service' } });
      open.log.push({ at, type: 'acknowledge', by: 'Events API' });
    } else if (open && e.event_action === 'resolve') {
      open.status = 'resolved';
      open.updatedAt = open.resolvedAt = at;
      open.acknowledgements = [];
      open.log.push({ at, type: 'resolve', by: 'Events API' });
    }
    // PagerDuty accepts an acknowledge or resolve for an unknown key, and does nothing.
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  }

  private newIncident(e: StandInEvent, dedupKey: string, at: Date): StandInIncident {
    const number = this.nextNumber++;
    return {
      id: `PINC${String(number).padStart(3, '0')}`, number, dedupKey, routingKey: e.routing_key, status: 'triggered',
      summary: e.payload?.summary ?? '', severity: e.payload?.severity ?? '', source: e.payload?.source ?? '',
      createdAt: at, updatedAt: at, acknowledgements: [], log: [{ at, type: 'trigger' }],
    };
  }

  private openIncident(dedupKey: string, routingKey?: string): StandInIncident | undefined {
    return this.incidents.find((i) => i.dedupKey === dedupKey && i.status !== 'resolved' && (!routingKey || i.routingKey === routingKey));
  }

  /** `GET /incidents`: `incident_key` and `statuses[]` filter; the rest of the query is ignored. */
  private list(q: URLSearchParams): Json {
    const key = q.get('incident_key');
    const statuses = q.getAll('statuses[]');
    const found = this.incidents.filter((i) => (!key || i.dedupKey === key) && (statuses.length === 0 || statuses.includes(i.status)));
    return { incidents: found.map((i) => this.restIncident(i)), limit: 25, offset: 0, more: false, total: null };
  }

  /** The REST `Incident` shape (rest.openapiv3.json, components.schemas.Incident). */
  private restIncident(i: StandInIncident): Json {
    // Public-looking hosts: the description's `format: url` (ajv-formats) refuses 127.0.0.1 and localhost.
    const ref = (id: string, type: string, summary: string, path: string) => ({ id, type, summary, self: `https://api.stand-in.invalid/${path}/${id}`, html_url: `https://app.stand-in.invalid/${path}/${id}` });
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      ...ref(i.id, 'incident', `[#${i.number}] ${i.summary}`, 'incidents'),
      incident_number: i.number,
      title: i.summary,
      created_at: iso(i.createdAt),
      updated_at: iso(i.updatedAt),
      status: i.status,
      incident_key: i.dedupKey,
      service: ref('PSERVICE', 'service_reference', 'drbot stand-in service', 'services'),
      assignments: [],
      assigned_via: 'escalation_policy',
      last_status_change_at: iso(i.updatedAt),
      ...(i.resolvedAt ? { resolved_at: iso(i.resolvedAt) } : {}),
      alert_counts: { all: 1, triggered: i.status === 'resolved' ? 0 : 1, resolved: i.status === 'resolved' ? 1 : 0 },
      urgency: i.severity === 'critical' || i.severity === 'error' ? 'high' : 'low',
      acknowledgements: i.acknowledgements.map((a) => ({
        at: iso(a.at),
        acknowledger: ref(a.by.id, a.by.type, a.by.name, a.by.type === 'user_reference' ? 'users' : 'services'),
      })),
    };
  }
}

/** The prose rules of `POST /v2/enqueue`. */
function eventRules(e: Json): string[] {
  const out: string[] = [];
  if (e.event_action !== 'trigger' && typeof e.dedup_key !== 'string') out.push(`createV2Event: body.dedup_key is required unless event_action is trigger`);
  if (e.event_action === 'trigger' && !e.payload) out.push(`createV2Event: body.payload is required for a trigger`);
  return out;
}

/** The key from `Authorization: Token token=<key>`; undefined when missing or malformed. */
function restToken(h: string | undefined): string | undefined {
  return h ? /^Token token=(\S+)$/.exec(h)?.[1] : undefined;
}

/** PagerDuty's error bodies: Events `{status, message, errors}`, REST `{error: {code, message}}`. */
function errorBody(isEvents: boolean, status: number): Json {
  if (status === 429) {
    return isEvents
      ? { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' }
      : { error: { code: 2020, message: 'Rate Limit Exceeded' } };
  }
  if (status >= 500) return isEvents ? { status: 'internal error', message: 'Internal server error' } : { error: { code: 0, message: 'Internal Server Error' } };
  return isEvents
    ? { status: 'invalid event', message: 'Event object is invalid', errors: [`stand-in: failNext(${status})`] }
    : { error: { code: 2001, message: 'Invalid Input Provided', errors: [`stand-in: failNext(${status})`] } };
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost, valid one day. */
async function certificates(): Promise<{ caPem: string; key: string; cert: string }> {
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'drbot stand-in CA' }], {
    keyType: 'ec', algorithm: 'sha256', notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const leaf = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec', algorithm: 'sha256', notAfterDate, ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { caPem: ca.cert, key: leaf.private, cert: leaf.cert };
}
