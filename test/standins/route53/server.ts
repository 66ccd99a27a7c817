/**
 * A local Route 53 for tests: every request, and every answer the stand-in gives, is checked
 * against the botocore model (validate.ts), and the four operations drbot uses behave like AWS on in-memory zones:
 * ListResourceRecordSets (sorted, paged), ChangeResourceRecordSets (atomic, DELETE must match
 * exactly, CREATE must be new), GetChange (PENDING, then INSYNC after N polls) and
 * GetHealthCheckStatus. Tests seed `zones` and health checks in AWS's own vocabulary.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildXml, checkRequest, checkResponse, loadModel, NAMESPACE } from './validate.ts';

/** A resource record set as Route 53's API spells it. */
export interface RRSet {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Weight?: number;
  Failover?: 'PRIMARY' | 'SECONDARY';
  TTL?: number;
  ResourceRecords?: { Value: string }[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  HealthCheckId?: string;
}
export interface Zone { name: string; records: RRSet[] }
export interface Call {
  operation: string;
  method: string;
  path: string;
  input: Record<string, unknown>;
  /** When the request arrived, by the stand-in's clock (`now`, default the system clock), in ms since the epoch. */
  at: number;
  /** What the stand-in answered: the output object (e.g. `ChangeInfo.Status`), or the AWS error code. */
  output?: Record<string, unknown>;
  error?: string;
}

export interface Route53StandInOptions {
  /** The stand-in's clock for `Call.at` (a test with a manual clock passes it; default Date.now). */
  now?: () => number;
}

export interface Route53StandIn {
  url: string;
  calls: Call[];
  violations: string[];
  /** Answers of the stand-in itself that break the model (a stand-in bug); `close()` throws them. */
  responseErrors: string[];
  /** Hosted zones by id (without `/hostedzone/`); tests add and read them directly. */
  zones: Map<string, Zone>;
  /** Every checker reports Success (true) or Failure (false); an array gives one observation each. */
  setHealth(id: string, healthy: boolean | boolean[]): void;
  /** The next ChangeResourceRecordSets fails with this AWS error code, applying nothing; `retryAfter` is sent as is (e.g. an HTTP date). */
  failNextChange(code: string, o?: { message?: string; status?: number; retryAfterSeconds?: number; retryAfter?: string }): void;
  /** Changes submitted from now on report INSYNC from their n-th GetChange on (0: at once). */
  insyncAfterPolls(n: number | 'never'): void;
  assertNoViolations(): void;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly retryAfter?: string) {
    super(message);
  }
}

const SERVER_ERRORS: Record<string, number> = { InternalFailure: 500, InternalError: 500, ServiceUnavailable: 503 };
const CHECKER_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'];

export async function startRoute53StandIn(o: Route53StandInOptions = {}): Promise<Route53StandIn> {
  const now = o.now ?? Date.now;
  const model = loadModel();
  const calls: Call[] = [];
  const violations: string[] = [];
  const responseErrors: string[] = [];
  const zones = new Map<string, Zone>();
  const health = new Map<string, { Region: string; IPAddress: string; StatusReport: { Status: string; CheckedTime: Date } }[]>();
  const changes = new Map<string, { polls: number; insyncAt: number | 'never'; submittedAt: Date; comment?: string }>();
  let insyncAt: number | 'never' = 2;
  let failure: AwsError | undefined;

  const zoneOf = (id: unknown) => {
    const zone = zones.get(String(id));
    if (!zone) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  };
  const changeInfo = (id: string) => {
    const c = changes.get(id)!;
    const status = c.insyncAt !== 'never' && c.polls >= c.insyncAt ? 'INSYNC' : 'PENDING';
    return { Id: `/change/${id}`, Status: status, SubmittedAt: c.submittedAt, Comment: c.comment };
  };

  const operations: Record<string, (i: Record<string, unknown>) => unknown> = {
    ListResourceRecordSets(i) {
      const zone = zoneOf(i.HostedZoneId);
      if (i.StartRecordType && !i.StartRecordName) throw new AwsError('InvalidInput', 'The input is not valid: a type requires a name');
      if (i.StartRecordIdentifier && !i.StartRecordType) throw new AwsError('InvalidInput', 'The input is not valid: an identifier requires a type');
      const max = Math.min(300, i.MaxItems === undefined ? 300 : Number(i.MaxItems));
      if (!(max >= 1)) throw new AwsError('InvalidInput', `MaxItems must be a positive number, got ${i.MaxItems}`);
      const start = i.StartRecordName ? sortKey({ Name: String(i.StartRecordName), Type: String(i.StartRecordType ?? ''), SetIdentifier: i.StartRecordIdentifier as string }) : '';
      const all = zone.records.map(canonical).sort((a, b) => compare(sortKey(a), sortKey(b))).filter((r) => compare(sortKey(r), start) >= 0);
      const next = all[max];
      return {
        ResourceRecordSets: all.slice(0, max), IsTruncated: !!next, MaxItems: String(max),
        NextRecordName: next?.Name, NextRecordType: next?.Type, NextRecordIdentifier: next?.SetIdentifier,
      };
    },
    ChangeResourceRecordSets(i) {
      const zone = zoneOf(i.HostedZoneId);
      if (failure) {
        const f = failure;
        failure = undefined;
        throw f;
      }
      const batch = i.ChangeBatch as { Comment?: string; Changes: { Action: string; ResourceRecordSet: RRSet }[] };
      const { records, errors } = applyBatch(zone, batch.Changes);
      if (errors.length) throw new AwsError('InvalidChangeBatch', `[${errors.join(', ')}]`);
      zone.records = records;
      const id = `C${randomBytes(6).toString('hex').toUpperCase()}`;
      changes.set(id, { polls: 0, insyncAt, submittedAt: new Date(), comment: batch.Comment });
      return { ChangeInfo: changeInfo(id) };
    },
    GetChange(i) {
      const id = String(i.Id);
      const c = changes.get(id);
      if (!c) throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
      c.polls += 1;
      return { ChangeInfo: changeInfo(id) };
    },
    GetHealthCheckStatus(i) {
      const observations = health.get(String(i.HealthCheckId));
      if (!observations) throw new AwsError('NoSuchHealthCheck', `A health check with id ${i.HealthCheckId} does not exist.`, 404);
      return { HealthCheckObservations: observations };
    },
  };

  /**
   * The stand-in's own answer against the model (checkResponse): a mismatch is a stand-in bug,
   * never expected by a test. It is listed in `violations` and `responseErrors`, and `close()`
   * throws it, so the test that made the request fails even if it never asks for the violations.
   */
  const sendXml = (res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}, operation?: string) => {
    const body = `<?xml version="1.0"?>\n${xml}`;
    if (operation && model.operations[operation]) {
      const bad = checkResponse(model, operation, status, body).map((e) => `stand-in answer breaks the model: ${e}`);
      responseErrors.push(...bad);
      violations.push(...bad);
    }
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomBytes(16).toString('hex'), ...headers });
    res.end(body);
  };
  const sendError = (res: ServerResponse, e: AwsError, operation?: string) => {
    const type = e.status >= 500 ? 'Receiver' : 'Sender';
    const xml = `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${e.code}</Code><Message>${escape(e.message)}</Message></Error>`
      + `<RequestId>${randomBytes(16).toString('hex')}</RequestId></ErrorResponse>`;
    sendXml(res, e.status, xml, e.retryAfter !== undefined ? { 'retry-after': e.retryAfter } : {}, operation);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const checked = checkRequest(model, { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body });
    const operation = checked.operation ?? '(unknown)';
    const call: Call = { operation, method: req.method ?? '', path: req.url ?? '/', input: checked.input, at: now() };
    calls.push(call);
    const fail = (e: AwsError) => {
      call.error = e.code;
      sendError(res, e, checked.operation);
    };
    if (checked.violations.length) {
      violations.push(...checked.violations);
      return fail(new AwsError(checked.operation ? 'InvalidInput' : 'UnknownOperationException', checked.violations.join('; ')));
    }
    const impl = operations[operation];
    if (!impl) {
      violations.push(`${operation}: valid, but not implemented by the stand-in`);
      return fail(new AwsError('InvalidAction', `${operation} is not implemented by the stand-in`));
    }
    try {
      const output = impl(checked.input) as Record<string, unknown>;
      call.output = output;
      sendXml(res, 200, buildXml(model, model.operations[operation].output!.shape, output), {}, operation);
    } catch (e) {
      if (e instanceof AwsError) return fail(e);
      violations.push(`stand-in bug in ${operation}: ${(e as Error).message}`);
      fail(new AwsError('InternalFailure', (e as Error).message, 500));
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    violations,
    responseErrors,
    zones,
    setHealth(id, healthy) {
      const each = Array.isArray(healthy) ? healthy : CHECKER_REGIONS.map(() => healthy);
      health.set(id, each.map((ok, n) => ({
        Region: CHECKER_REGIONS[n % CHECKER_REGIONS.length],
        IPAddress: `15.177.${n}.${10 + n}`,
        StatusReport: {
          Status: ok ? 'Success: HTTP Status Code 200, OK' : 'Failure: Connection timed out. The endpoint or the internet connection is down.',
          CheckedTime: new Date(),
        },
      })));
    },
    failNextChange(code, o = {}) {
      const status = o.status ?? model.shapes[code]?.error?.httpStatusCode ?? SERVER_ERRORS[code] ?? 400;
      failure = new AwsError(code, o.message ?? (code === 'Throttling' ? 'Rate exceeded' : `Simulated ${code}`), status, o.retryAfter ?? (o.retryAfterSeconds === undefined ? undefined : String(o.retryAfterSeconds)));
    },
    insyncAfterPolls(n) {
      insyncAt = n;
    },
    assertNoViolations() {
      if (violations.length) throw new Error(`Route 53 stand-in saw ${violations.length} violation(s):\n- ${violations.join('\n- ')}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (responseErrors.length) throw new Error(`Route 53 stand-in answered outside the model:\n- ${responseErrors.join('\n- ')}`);
    },
  };
}

/** Route 53's transaction: each change against a working copy, saved only if all succeed. */
function applyBatch(zone: Zone, batch: { Action: string; ResourceRecordSet: RRSet }[]): { records: RRSet[]; errors: string[] } {
  const records = zone.records.map(canonical);
  const errors: string[] = [];
  const touched = new Set<string>();
  const zoneName = fqdn(zone.name);
  for (const { Action, ResourceRecordSet } of batch) {
    const rr = canonical(ResourceRecordSet);
    const label = `[name='${rr.Name}', type='${rr.Type}'${rr.SetIdentifier ? `, set-identifier='${rr.SetIdentifier}'` : ''}]`;
    if (rr.Name !== zoneName && !rr.Name.endsWith(`.${zoneName}`)) errors.push(`RRSet with DNS name ${rr.Name} is not permitted in zone ${zoneName}`);
    const at = records.findIndex((r) => r.Name === rr.Name && r.Type === rr.Type && r.SetIdentifier === rr.SetIdentifier);
    touched.add(`${rr.Name} ${rr.Type}`);
    if (Action === 'CREATE') {
      if (at >= 0) errors.push(`Tried to create resource record set ${label} but it already exists`);
      else records.push(rr);
    } else if (Action === 'DELETE') {
      if (at < 0) errors.push(`Tried to delete resource record set ${label} but it was not found`);
      else if (fingerprint(records[at]) !== fingerprint(rr)) errors.push(`Tried to delete resource record set ${label} but the values provided do not match the current values`);
      else records.splice(at, 1);
    } else if (at >= 0) records[at] = rr;
    else records.push(rr);
  }
  for (const key of touched) errors.push(...groupErrors(records.filter((r) => `${r.Name} ${r.Type}` === key)));
  return { records, errors };
}

/** What Route 53 refuses in the resulting state of one name and type. */
function groupErrors(group: RRSet[]): string[] {
  const errors: string[] = [];
  for (const r of group) {
    const where = `RRSet ${r.Name} ${r.Type}${r.SetIdentifier ? ` (${r.SetIdentifier})` : ''}`;
    if (!!r.AliasTarget === !!r.ResourceRecords?.length) errors.push(`${where}: expected exactly one of AliasTarget or ResourceRecords`);
    if (r.AliasTarget && r.TTL !== undefined) errors.push(`${where}: an alias record set cannot have a TTL`);
    if (r.ResourceRecords && r.TTL === undefined) errors.push(`${where}: TTL is required with ResourceRecords`);
    if ((r.Weight !== undefined || r.Failover) && !r.SetIdentifier) errors.push(`${where}: a weighted or failover record set needs a SetIdentifier`);
    if (r.Weight !== undefined && r.Failover) errors.push(`${where}: cannot be both weighted and failover`);
  }
  const policies = new Set(group.map((r) => (r.Failover ? 'failover' : r.Weight !== undefined ? 'weighted' : r.SetIdentifier ? 'other' : 'simple')));
  if (policies.size > 1) errors.push(`RRSet ${group[0].Name} ${group[0].Type}: record sets with the same name and type must share one routing policy`);
  for (const role of ['PRIMARY', 'SECONDARY']) {
    if (group.filter((r) => r.Failover === role).length > 1) errors.push(`RRSet ${group[0].Name} ${group[0].Type}: more than one ${role} failover record set`);
  }
  return errors;
}

const fqdn = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/** The record set as Route 53 stores and returns it: names lower-case and fully qualified. */
function canonical(r: RRSet): RRSet {
  const out: RRSet = { ...r, Name: fqdn(r.Name) };
  if (r.ResourceRecords) out.ResourceRecords = r.ResourceRecords.map((x) => ({ ...x }));
  const a = r.AliasTarget;
  if (a) out.AliasTarget = { HostedZoneId: a.HostedZoneId, DNSName: fqdn(a.DNSName), EvaluateTargetHealth: a.EvaluateTargetHealth };
  for (const k of Object.keys(out) as (keyof RRSet)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Equality for DELETE: every field, record values in any order. */
function fingerprint(r: RRSet): string {
  const c = canonical(r);
  const values = c.ResourceRecords?.map((x) => x.Value).sort();
  return JSON.stringify(Object.entries({ ...c, ResourceRecords: values }).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

/** Route 53 lists by name with labels reversed (com.example.www), then type, then identifier. */
function sortKey(r: { Name: string; Type: string; SetIdentifier?: string }): string {
  return [fqdn(r.Name).slice(0, -1).split('.').reverse().join('.'), r.Type, r.SetIdentifier ?? ''].join('\u0000');
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
