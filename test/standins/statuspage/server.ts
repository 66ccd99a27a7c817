import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenApiValidator, type OpenApiMatch } from '../openapi.ts';

/**
 * A stand-in for Atlassian Statuspage API v1 (`/v1/pages/{page_id}/…`). Every request is checked
 * against the description in test/specs/statuspage — an UNOFFICIAL mirror (see its PROVENANCE.md),
 * with the fixes listed in `fixMirror` — and must carry `Authorization: OAuth <key>`. A request
 * that breaks either is recorded in `violations` and answered 422 (404 unknown route, 401 no key).
 * Its own answers are checked against the same description (`checkResponse`).
 * Behind that it keeps one page's components and incidents with their updates.
 */
const SPEC_PATH = fileURLToPath(new URL('../../specs/statuspage/statuspage-v1.openapi.unofficial-mirror.json', import.meta.url));
type Json = Record<string, any>;
type Reply = [status: number, body: unknown, headers?: Record<string, string>];
type ComponentStatus = 'operational' | 'under_maintenance' | 'degraded_performance' | 'partial_outage' | 'major_outage';

/**
 * The mirror's flaws, fixed as test/specs/README.md and PROVENANCE.md say:
 * - `type`s that are not JSON Schema types: `PartialStartDate`/`PartialEndDate` → string, `Object` → object;
 * - each incident `components` map is written as one example id: read it as additionalProperties
 *   with the status enum, so any component id is checked against the enum;
 * - the limits stated only in the text (name 255, body 25000 characters) become maxLength;
 * - answers: the mirror has no `nullable` anywhere, yet Statuspage answers `null` for the times an
 *   incident has not reached yet (`monitoring_at`, `resolved_at`), for a postmortem not written
 *   (`postmortem_body`) and for a component outside any group (`group_id`), as its API examples
 *   and its public status API show. Only those four response fields are made nullable (the two
 *   schemas are used in answers only), so the stand-in's answers are checked against the rest.
 */
export function fixMirror(spec: Json): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    if (o.type === 'PartialStartDate' || o.type === 'PartialEndDate') o.type = 'string';
    if (o.type === 'Object') o.type = 'object';
    Object.values(o).forEach(walk);
  };
  walk(spec.paths);
  walk(spec.components.schemas);
  for (const [schema, field] of [['Incident', 'monitoring_at'], ['Incident', 'resolved_at'], ['Incident', 'postmortem_body'], ['Component', 'group_id']]) {
    spec.components.schemas[schema].properties[field].nullable = true;
  }
  for (const name of ['postPagesPageIdIncidents', 'patchPagesPageIdIncidents', 'putPagesPageIdIncidents']) {
    const props = spec.components.schemas[name].properties.incident.properties;
    const [statusSchema] = Object.values(props.components.properties as Json);
    props.components = { type: 'object', description: props.components.description, additionalProperties: statusSchema };
    props.name.maxLength = 255;
    props.body.maxLength = 25_000;
  }
}

let validator: OpenApiValidator | undefined;

export interface Call { method: string; path: string; body?: unknown; status: number; operationId?: string }
export interface StandInComponent { id: string; name: string; status: ComponentStatus }
export interface StandInUpdate { id: string; status: string; body: string; affected_components: { code: string; name: string; old_status: string; new_status: string }[]; created_at: string }
export interface StandInIncident { id: string; name: string; status: string; componentIds: string[]; incident_updates: StandInUpdate[]; created_at: string; resolved_at: string | null }

const err = (status: number, message: string): Reply => [status, { message }];
const newId = () => randomBytes(8).toString('base64').toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(12, '0').slice(0, 12);
const IMPACT: Record<string, string> = { major_outage: 'critical', partial_outage: 'major', degraded_performance: 'minor', under_maintenance: 'maintenance' };

export class StatusPageStandIn {
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  /** Answers of the stand-in itself that break the description (see checkResponse). */
  readonly responseErrors: string[] = [];
  readonly incidents: StandInIncident[] = [];
  private readonly matches = new WeakMap<Call, OpenApiMatch>();
  readonly components: Record<string, StandInComponent>;
  url = '';
  private pending: { status: number; headers?: Record<string, string> }[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly apiKey: string, readonly pageId: string, components: Record<string, string>) {
    this.components = Object.fromEntries(Object.entries(components).map(([id, name]) => [id, { id, name, status: 'operational' as ComponentStatus }]));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.responseErrors.length) throw new Error(`Statuspage stand-in answered outside its description:\n${this.responseErrors.join('\n')}`);
  }

  /** Next request is refused for rate limit (Statuspage uses 420 or 429), with Retry-After (seconds, or a string sent as is, e.g. an HTTP date). */
  rateLimitNext(retryAfter: number | string, status: 420 | 429 = 429): void {
    this.pending.push({ status, headers: { 'retry-after': String(retryAfter) } });
  }

  failNext(status: number): void {
    this.pending.push({ status });
  }

  assertNoViolations(): void {
    if (this.violations.length) throw new Error(`Statuspage stand-in saw requests that break the description:\n${this.violations.join('\n')}`);
  }

  /**
   * The stand-in's own answer against the description: a mismatch is a stand-in bug, never
   * expected by a test. It is listed in `violations` and `responseErrors`, and `close()` throws
   * it, so the test that made the request fails even if it never asks for the violations.
   */
  private checkResponse(where: string, m: OpenApiMatch, status: number, body: unknown): void {
    const errors = validator!.validateResponse(m, status, body).map((e) => `${where}: stand-in answer breaks the description: ${e}`);
    this.responseErrors.push(...errors);
    this.violations.push(...errors);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const call: Call = { method, path: url.pathname, status: 0 };
    this.calls.push(call);
    const flag = (why: string) => this.violations.push(`${method} ${url.pathname}: ${why}`);
    let reply: Reply;
    try {
      call.body = raw ? JSON.parse(raw) : undefined;
      reply = this.route(req, url, method, call, flag);
    } catch (e) {
      if (e instanceof SyntaxError) { flag('body is not JSON'); reply = err(400, 'Body is not valid JSON'); }
      else reply = err(500, `stand-in error: ${(e as Error).message}`);
    }
    call.status = reply[0];
    const m = this.matches.get(call);
    if (m?.template) this.checkResponse(`${method} ${url.pathname}`, m, reply[0], reply[1]);
    res.writeHead(reply[0], { 'content-type': 'application/json; charset=utf-8', ...reply[2] });
    res.end(reply[1] === undefined ? '' : JSON.stringify(reply[1]));
  }

  private route(req: IncomingMessage, url: URL, method: string, call: Call, flag: (why: string) => void): Reply {
    const auth = req.headers.authorization ?? '';
    if (!/^OAuth \S+$/.test(auth)) {
      flag('no "Authorization: OAuth <key>" header');
      return err(401, 'Could not authenticate');
    }
    if (auth.slice(6) !== this.apiKey) return err(401, 'Could not authenticate');
    if (call.body !== undefined && !String(req.headers['content-type']).startsWith('application/json')) flag('JSON body without Content-Type: application/json');
    validator ??= OpenApiValidator.fromFile(SPEC_PATH, { basePath: '/v1', fix: fixMirror });
    const m = validator.validate({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body: call.body });
    this.matches.set(call, m);
    call.operationId = m.operationId;
    for (const e of m.errors) flag(e);
    if (!m.template) return err(404, 'Not found');
    if (m.errors.length) return err(422, m.errors.join('; '));
    const p = this.pending.shift();
    if (p) return [p.status, { message: p.status === 420 || p.status === 429 ? 'Rate limit exceeded' : 'Refused by the stand-in' }, p.headers];
    if (m.params.page_id !== this.pageId) return err(404, 'Page not found');
    const handler = this.handlers[m.operationId ?? ''];
    if (!handler) {
      flag(`stand-in does not implement ${m.operationId}`);
      return err(501, `stand-in does not implement ${m.operationId}`);
    }
    return handler(m.params, (call.body ?? {}) as Json);
  }

  private readonly handlers: Record<string, (p: Record<string, string>, b: Json) => Reply> = {
    postPagesPageIdIncidents: (_p, b) => {
      const inc = b.incident as Json;
      const now = new Date().toISOString();
      const incident: StandInIncident = { id: newId(), name: inc.name, status: inc.status ?? 'investigating', componentIds: [], incident_updates: [], created_at: now, resolved_at: null };
      const refused = this.apply(incident, inc);
      if (refused) return refused;
      this.incidents.push(incident);
      return [201, this.incidentJson(incident)];
    },
    patchPagesPageIdIncidentsIncidentId: (p, b) => {
      const incident = this.incidents.find((i) => i.id === p.incident_id);
      if (!incident) return err(404, 'Incident not found');
      const inc = (b.incident ?? {}) as Json;
      if (inc.name !== undefined) incident.name = inc.name;
      if (inc.status !== undefined) incident.status = inc.status;
      return this.apply(incident, inc) ?? [200, this.incidentJson(incident)];
    },
    getPagesPageIdIncidentsIncidentId: (p) => {
      const incident = this.incidents.find((i) => i.id === p.incident_id);
      return incident ? [200, this.incidentJson(incident)] : err(404, 'Incident not found');
    },
    getPagesPageIdIncidents: () => [200, [...this.incidents].reverse().map((i) => this.incidentJson(i))],
    getPagesPageIdComponents: () => [200, Object.values(this.components).map((c) => this.componentJson(c))],
    getPagesPageIdComponentsComponentId: (p) => {
      const c = this.components[p.component_id];
      return c ? [200, this.componentJson(c)] : err(404, 'Component not found');
    },
  };

  /** Component statuses, affected components and a new incident update; a reply when refused. */
  private apply(incident: StandInIncident, inc: Json): Reply | undefined {
    const changes = Object.entries((inc.components ?? {}) as Record<string, string>);
    const ids = (inc.component_ids ?? []) as string[];
    // A stand-in rule (the description does not say): an unknown component id is refused, so a
    // wrong component map in drbot.yml shows up in tests instead of silently doing nothing.
    const unknown = [...changes.map(([id]) => id), ...ids].find((id) => !this.components[id]);
    if (unknown) return err(422, `Component ${unknown} not found on page ${this.pageId}`);
    const affected = changes.filter(([, s]) => s !== '').map(([id, s]) => {
      const c = this.components[id];
      const change = { code: id, name: c.name, old_status: c.status, new_status: s };
      c.status = s as ComponentStatus;
      return change;
    });
    if (inc.component_ids) incident.componentIds = ids;
    else for (const [id] of changes) if (!incident.componentIds.includes(id)) incident.componentIds.push(id);
    if (incident.status === 'resolved' && !incident.resolved_at) incident.resolved_at = new Date().toISOString();
    if (inc.body !== undefined || inc.status !== undefined || affected.length) {
      incident.incident_updates.unshift({ id: newId(), status: incident.status, body: inc.body ?? '', affected_components: affected, created_at: new Date().toISOString() });
    }
    return undefined;
  }

  private componentJson(c: StandInComponent): Json {
    return { id: c.id, page_id: this.pageId, name: c.name, status: c.status, showcase: true, only_show_if_degraded: false, group_id: null, created_at: '2024-01-01T00:00:00Z', updated_at: new Date().toISOString() };
  }

  private incidentJson(i: StandInIncident): Json {
    const components = i.componentIds.map((id) => this.componentJson(this.components[id]));
    const worst = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'].find((s) => components.some((c) => c.status === s));
    return {
      id: i.id, page_id: this.pageId, name: i.name, status: i.status, impact: worst ? IMPACT[worst] : 'none', components,
      incident_updates: i.incident_updates.map((u) => ({ ...u, incident_id: i.id, display_at: u.created_at, updated_at: u.created_at, deliver_notifications: true })),
      created_at: i.created_at, updated_at: i.incident_updates[0]?.created_at ?? i.created_at, resolved_at: i.resolved_at,
      monitoring_at: null, shortlink: `https://stspg.io/${i.id.slice(0, 9)}`, metadata: {}, postmortem_body: null,
    };
  }
}

/** Starts a stand-in on 127.0.0.1 (a free port); `url` ends in `/v1` like STATUSPAGE_API_URL. */
export function startStatusPageStandIn(o: { apiKey?: string; pageId?: string; components?: Record<string, string> } = {}): Promise<StatusPageStandIn> {
  return new StatusPageStandIn(o.apiKey ?? 'sp-test-key', o.pageId ?? 'kctbh9vrtdwd', o.components ?? { ftgks51sfs2d: 'API', m3vjnbwvf6y1: 'Voice (Lagos)', q8b2lk3s0fzc: 'Dashboard' }).listen();
}
