/**
 * Checks a rest-xml request against the vendored botocore model of Route 53
 * (test/specs/route53/service-2.json), builds response XML from output shapes, and checks the
 * stand-in's answers against the output shapes and the operations' errors (checkResponse).
 * Rules come from the model only: `http` bindings, `required`, `enum`, `min`/`max`, `pattern`,
 * member order, list members. Two things the model does not say, added here and marked:
 *  - the SDK (Smithy model) sends ChangeResourceRecordSets to `…/rrset` while botocore writes
 *    `…/rrset/`: a trailing slash is optional when matching;
 *  - Route 53 signs with SigV4, service `route53` (metadata.signatureVersion / endpointPrefix).
 * Element order is deliberately not checked: the API reference says elements must follow the
 * syntax order, but the JS SDK sends `<Changes>` before `<Comment>` (it has not used model
 * order since 2020) and Route 53 accepts that.
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const MODEL_PATH = new URL('../../specs/route53/service-2.json', import.meta.url);

export interface Member { shape: string; location?: string; locationName?: string }
export interface Shape {
  type: string; required?: string[]; members?: Record<string, Member>; member?: Member; enum?: string[];
  min?: number; max?: number; pattern?: string; flattened?: boolean; payload?: string; error?: { httpStatusCode?: number };
}
export interface Operation {
  name: string; http: { method: string; requestUri: string }; errors?: { shape: string }[];
  input?: { shape: string; locationName?: string; xmlNamespace?: { uri: string } }; output?: { shape: string };
}
export interface Model { metadata: Record<string, unknown>; operations: Record<string, Operation>; shapes: Record<string, Shape> }

export function loadModel(): Model {
  return JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as Model;
}

export interface RawRequest { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }
export interface CheckedRequest { operation?: string; input: Record<string, unknown>; violations: string[] }

interface Route { op: Operation; re: RegExp; labels: string[]; literal: number; query: URLSearchParams }

function compileRoutes(model: Model): Route[] {
  return Object.values(model.operations).map((op) => {
    const [path, query = ''] = op.http.requestUri.split('?');
    const labels: string[] = [];
    const src = path.replace(/\/$/, '').split(/(\{[^}]+\})/).map((part) => {
      const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(m[1]);
      return m[2] ? '(.+)' : '([^/]+)';
    }).join('');
    return { op, re: new RegExp(`^${src}/?$`), labels, literal: path.replace(/\{[^}]+\}/g, '').length, query: new URLSearchParams(query) };
  });
}

const routesCache = new WeakMap<Model, Route[]>();

/** The operation for a method and path (the most literal template wins), with its URI labels. */
export function matchOperation(model: Model, method: string, path: string): { op: Operation; labels: Record<string, string> } | undefined {
  if (!routesCache.has(model)) routesCache.set(model, compileRoutes(model));
  const hits = routesCache.get(model)!
    .filter((r) => r.op.http.method === method && r.re.test(path))
    .sort((a, b) => b.literal - a.literal);
  if (!hits.length) return undefined;
  const m = hits[0].re.exec(path)!;
  return { op: hits[0].op, labels: Object.fromEntries(hits[0].labels.map((l, i) => [l, decodeURIComponent(m[i + 1])])) };
}

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false });
type XNode = Record<string, unknown>;
const tagOf = (n: XNode) => Object.keys(n).find((k) => k !== ':@')!;

/** Validates one request; `input` is the request as the SDK user wrote it (member names). */
export function checkRequest(model: Model, req: RawRequest): CheckedRequest {
  const v: string[] = [];
  const url = new URL(req.url, 'http://stand-in');
  const hit = matchOperation(model, req.method, url.pathname);
  if (!hit) return { input: {}, violations: [`${req.method} ${url.pathname}: no operation in the model has this method and path`] };
  const { op, labels } = hit;
  const at = op.name;
  checkSignature(req.headers, at, v);
  const input: Record<string, unknown> = {};
  const shape = op.input ? model.shapes[op.input.shape] : { type: 'structure', members: {} };
  const members = Object.entries(shape.members ?? {});
  const seenQuery = new Set<string>();
  for (const [name, m] of members) {
    const wire = m.locationName ?? name;
    const where = `${at} ${m.location === 'querystring' ? 'query' : m.location} ${wire}`;
    let raw: string | undefined;
    if (m.location === 'uri') raw = labels[wire];
    else if (m.location === 'querystring') {
      const all = url.searchParams.getAll(wire);
      if (all.length > 1 && model.shapes[m.shape].type !== 'list') v.push(`${at} query ${wire}: given ${all.length} times`);
      raw = all[0];
      seenQuery.add(wire);
    } else if (m.location === 'header') {
      const h = req.headers[wire.toLowerCase()];
      raw = Array.isArray(h) ? h.join(',') : h;
    } else continue;
    if (raw === undefined) {
      if (shape.required?.includes(name)) v.push(`${where}: required`);
      continue;
    }
    input[name] = scalar(model, m.shape, raw, where, v);
  }
  for (const key of new Set(url.searchParams.keys())) {
    if (!seenQuery.has(key)) v.push(`${at} query ${key}: not a querystring member of ${op.input?.shape ?? 'the operation'}`);
  }
  const bodyMembers = members.filter(([, m]) => !m.location);
  if (!bodyMembers.length) {
    if (req.body.trim()) v.push(`${at}: this operation takes no body, got ${req.body.length} bytes`);
    return { operation: at, input, violations: v };
  }
  const rootName = op.input?.locationName ?? op.input!.shape;
  if (!req.body.trim()) {
    if (bodyMembers.some(([n]) => shape.required?.includes(n))) v.push(`${at}: body required (<${rootName}>)`);
    return { operation: at, input, violations: v };
  }
  const ok = XMLValidator.validate(req.body);
  if (ok !== true) {
    v.push(`${at}: malformed XML: ${ok.err.msg} (line ${ok.err.line})`);
    return { operation: at, input, violations: v };
  }
  const roots = (parser.parse(req.body) as XNode[]).filter((n) => !['?xml', '#text'].includes(tagOf(n)));
  if (roots.length !== 1 || tagOf(roots[0]) !== rootName) {
    v.push(`${at}: root element must be <${rootName}>, got ${roots.map((r) => `<${tagOf(r)}>`).join(', ') || 'none'}`);
    return { operation: at, input, violations: v };
  }
  const ns = (roots[0][':@'] as Record<string, string> | undefined)?.['@_xmlns'];
  const wantNs = op.input?.xmlNamespace?.uri ?? NAMESPACE;
  if (ns !== wantNs) v.push(`${at}: <${rootName}> namespace must be ${wantNs}, got ${ns ?? 'none'}`);
  const body = structure(model, { ...shape, members: Object.fromEntries(bodyMembers) }, roots[0][rootName] as XNode[], `${at} ${rootName}`, v);
  return { operation: at, input: { ...input, ...body }, violations: v };
}

function checkSignature(headers: RawRequest['headers'], at: string, v: string[]): void {
  const auth = String(headers.authorization ?? '');
  if (!/^AWS4-HMAC-SHA256 Credential=[^/,]+\/\d{8}\/[\w-]+\/route53\/aws4_request, ?SignedHeaders=[\w;.-]+, ?Signature=[0-9a-f]{64}$/.test(auth)) {
    v.push(`${at}: Authorization must be a SigV4 signature for service route53, got ${auth ? `"${auth.slice(0, 60)}…"` : 'none'}`);
  }
  if (!headers['x-amz-date']) v.push(`${at}: X-Amz-Date header missing`);
}

function walk(model: Model, shapeName: string, nodes: XNode[], path: string, v: string[]): unknown {
  const shape = model.shapes[shapeName];
  if (shape.type === 'structure') return structure(model, shape, nodes, path, v);
  if (shape.type === 'list') {
    if (shape.flattened) v.push(`${path}: flattened lists are not handled by this stand-in`);
    const item = shape.member!.locationName ?? 'member';
    const elements = elementsOf(nodes, path, v);
    const out = elements.filter((e) => {
      if (tagOf(e) === item) return true;
      v.push(`${path}/${tagOf(e)}: unknown element (list items are <${item}>)`);
      return false;
    }).map((e, i) => walk(model, shape.member!.shape, e[item] as XNode[], `${path}/${item}[${i}]`, v));
    if (shape.min !== undefined && out.length < shape.min) v.push(`${path}: at least ${shape.min} <${item}> required, got ${out.length}`);
    if (shape.max !== undefined && out.length > shape.max) v.push(`${path}: at most ${shape.max} <${item}>, got ${out.length}`);
    return out;
  }
  if (shape.type === 'map') {
    v.push(`${path}: map shapes are not handled by this stand-in`);
    return undefined;
  }
  const child = nodes.find((n) => tagOf(n) !== '#text');
  if (child) v.push(`${path}: ${shape.type} expected, got element <${tagOf(child)}>`);
  return scalar(model, shapeName, nodes.map((n) => String(n['#text'] ?? '')).join(''), path, v);
}

function structure(model: Model, shape: Shape, nodes: XNode[], path: string, v: string[]): Record<string, unknown> {
  const members = Object.entries(shape.members ?? {}).filter(([, m]) => !m.location);
  const out: Record<string, unknown> = {};
  for (const e of elementsOf(nodes, path, v)) {
    const tag = tagOf(e);
    const index = members.findIndex(([name, m]) => (m.locationName ?? name) === tag);
    if (index < 0) {
      v.push(`${path}/${tag}: unknown element (expected one of ${members.map(([n, m]) => m.locationName ?? n).join(', ')})`);
      continue;
    }
    const [name, m] = members[index];
    if (name in out) v.push(`${path}/${tag}: given more than once`);
    out[name] = walk(model, m.shape, e[tag] as XNode[], `${path}/${tag}`, v);
  }
  for (const r of shape.required ?? []) {
    const m = shape.members?.[r];
    if (m && !m.location && !(r in out)) v.push(`${path}: <${m.locationName ?? r}> required`);
  }
  return out;
}

function elementsOf(nodes: XNode[], path: string, v: string[]): XNode[] {
  const text = nodes.filter((n) => tagOf(n) === '#text').map((n) => String(n['#text'])).join('');
  if (text.trim()) v.push(`${path}: unexpected text "${text.trim().slice(0, 40)}"`);
  return nodes.filter((n) => tagOf(n) !== '#text');
}

/** A string from a URI label, a query member or element text, checked against its shape. */
function scalar(model: Model, shapeName: string, raw: string, path: string, v: string[]): unknown {
  const s = model.shapes[shapeName];
  const range = (n: number, what: string) => {
    if (s.min !== undefined && n < s.min) v.push(`${path}: ${what} ${n} below min ${s.min}`);
    if (s.max !== undefined && n > s.max) v.push(`${path}: ${what} ${n} above max ${s.max}`);
  };
  switch (s.type) {
    case 'string': {
      range([...raw].length, 'length');
      if (s.enum && !s.enum.includes(raw)) v.push(`${path}: "${raw.slice(0, 40)}" is not one of ${s.enum.join(', ')}`);
      if (s.pattern && !safeRegExp(s.pattern)?.test(raw)) v.push(`${path}: "${raw.slice(0, 40)}" does not match ${s.pattern.slice(0, 60)}`);
      return raw;
    }
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(raw)) v.push(`${path}: "${raw.slice(0, 20)}" is not an integer`);
      range(Number(raw), 'value');
      return Number(raw);
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') v.push(`${path}: "${raw.slice(0, 20)}" is not true or false`);
      return raw === 'true';
    case 'timestamp':
      if (Number.isNaN(Date.parse(raw))) v.push(`${path}: "${raw.slice(0, 30)}" is not a timestamp`);
      return new Date(raw);
    case 'float':
    case 'double':
      if (!Number.isFinite(Number(raw)) || !raw.trim()) v.push(`${path}: "${raw.slice(0, 20)}" is not a number`);
      return Number(raw);
    default:
      v.push(`${path}: ${s.type} values are not handled by this stand-in`);
      return raw;
  }
}

/** Model patterns are whole-value matches; a pattern JavaScript cannot compile is skipped. */
function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

/**
 * AWS's common errors (Route 53 API reference, "Common Errors"), which any operation may answer
 * besides the errors its model lists, with their HTTP status.
 */
const COMMON_ERRORS: Record<string, number> = {
  Throttling: 400, InternalFailure: 500, ServiceUnavailable: 503, InvalidAction: 400, AccessDenied: 403, RequestExpired: 400, IncompleteSignature: 400, MissingAuthenticationToken: 403,
};

/**
 * Checks an answer the stand-in is about to send, as the request checker does for requests:
 * a 2xx body is walked against the operation's output shape (root element, namespace,
 * required members, unknown elements, enums, lengths, patterns, numbers, timestamps); an error
 * body must be AWS's `<ErrorResponse>` with a code the operation's model lists (or a common AWS
 * error) and the HTTP status that error has. Each problem starts with `<Operation> response`.
 */
export function checkResponse(model: Model, operation: string, status: number, xml: string): string[] {
  const v: string[] = [];
  const op = model.operations[operation];
  const at = `${operation} response ${status}`;
  const ok = XMLValidator.validate(xml);
  if (ok !== true) return [`${at}: malformed XML: ${ok.err.msg} (line ${ok.err.line})`];
  const roots = (parser.parse(xml) as XNode[]).filter((n) => !['?xml', '#text'].includes(tagOf(n)));
  const rootName = status < 300 ? op.output?.shape : 'ErrorResponse';
  if (!rootName) return xml.trim().replace(/^<\?xml[^>]*\?>/, '').trim() ? [`${at}: the operation has no output, got a body`] : [];
  if (roots.length !== 1 || tagOf(roots[0]) !== rootName) return [`${at}: root element must be <${rootName}>, got ${roots.map((r) => `<${tagOf(r)}>`).join(', ') || 'none'}`];
  const ns = (roots[0][':@'] as Record<string, string> | undefined)?.['@_xmlns'];
  if (ns !== NAMESPACE) v.push(`${at}: <${rootName}> namespace must be ${NAMESPACE}, got ${ns ?? 'none'}`);
  const path = `${at} ${rootName}`;
  if (status < 300) {
    const shape = model.shapes[rootName];
    structure(model, { ...shape, members: Object.fromEntries(Object.entries(shape.members ?? {}).filter(([, m]) => !m.location)) }, roots[0][rootName] as XNode[], path, v);
    return v;
  }
  const error: Shape = {
    type: 'structure', required: ['Error', 'RequestId'],
    members: { Error: { shape: '(Error)' }, RequestId: { shape: '(String)' } },
  };
  const shapes = { ...model.shapes, '(String)': { type: 'string' }, '(Error)': { type: 'structure', required: ['Type', 'Code', 'Message'], members: { Type: { shape: '(Type)' }, Code: { shape: '(String)' }, Message: { shape: '(String)' } } }, '(Type)': { type: 'string', enum: ['Sender', 'Receiver'] } };
  const body = structure({ ...model, shapes }, error, roots[0][rootName] as XNode[], path, v) as { Error?: { Type?: string; Code?: string } };
  const code = body.Error?.Code;
  if (code === undefined) return v;
  const listed = (op.errors ?? []).some((e) => e.shape === code);
  const expected = listed ? model.shapes[code].error?.httpStatusCode ?? 400 : COMMON_ERRORS[code];
  if (expected === undefined) v.push(`${path}/Error/Code: ${code} is neither an error ${operation} lists (${(op.errors ?? []).map((e) => e.shape).join(', ')}) nor a common AWS error`);
  else if (expected !== status) v.push(`${path}/Error/Code: ${code} is answered with HTTP ${expected}, not ${status}`);
  const type = status >= 500 ? 'Receiver' : 'Sender';
  if (body.Error?.Type !== undefined && body.Error.Type !== type) v.push(`${path}/Error/Type: a ${status} is a ${type} error, got ${body.Error.Type}`);
  return v;
}

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ENTITIES[c]);

/** XML for `value` as shape `shapeName`; throws when the stand-in itself leaves out a required member. */
export function buildXml(model: Model, shapeName: string, value: unknown, element = shapeName, root = true): string {
  const s = model.shapes[shapeName];
  const open = root ? `<${element} xmlns="${NAMESPACE}">` : `<${element}>`;
  if (s.type === 'structure') {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (obj[r] === undefined) throw new Error(`stand-in bug: ${shapeName}.${r} is required`);
    const inner = Object.entries(s.members ?? {})
      .filter(([name, m]) => obj[name] !== undefined && !m.location)
      .map(([name, m]) => buildXml(model, m.shape, obj[name], m.locationName ?? name, false)).join('');
    return `${open}${inner}</${element}>`;
  }
  if (s.type === 'list') {
    const items = (value as unknown[]).map((x) => buildXml(model, s.member!.shape, x, s.member!.locationName ?? 'member', false));
    return `${open}${items.join('')}</${element}>`;
  }
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `${open}${escapeXml(text)}</${element}>`;
}
