import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { checkMessageBlocks, checkModalView } from './blockKit.ts';

/**
 * Checks one Slack Web API call against Slack's own (2021) Swagger 2.0 description, vendored in
 * test/specs/slack. How the description is read (see test/specs/README.md, "Quirks"):
 * - the operation is found by path only (`/<method>`): @slack/web-api POSTs everything, while
 *   the description declares some methods as GET with `query` parameters;
 * - query and body arguments are merged; the body is form-urlencoded or JSON;
 * - the token comes from `Authorization: Bearer` or a `token` field, never from the schema;
 * - `blocks`, `attachments` and `view` arrive as JSON strings in form bodies: they are parsed and
 *   must be an array / object.
 * The formData/query parameters become a JSON Schema (type, enum, required) checked with ajv.
 * Type coercion is on because a form body carries every value as a string ("true", "10").
 * An argument the description does not list is a violation too: it catches typos, and an
 * argument Slack added later must be added below, by hand, with its source.
 * ajv-formats is not used: no Slack parameter declares a `format`.
 */
const SPEC_PATH = fileURLToPath(new URL('../../specs/slack/slack_web_openapi_v2_without_examples.json', import.meta.url));

interface Param {
  name: string;
  in: string;
  type?: string;
  enum?: unknown[];
  required?: boolean;
}
type Json = Record<string, unknown>;

const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { paths: Record<string, Record<string, { parameters?: Param[] }>> };

// ---- HAND-ADDED RULES (not in the 2021 description) -------------------------------------------

/**
 * HAND-ADDED METHOD: `apps.connections.open` (Socket Mode, 2021-01) is missing from the
 * description. Per https://api.slack.com/methods/apps.connections.open it takes no argument
 * besides the app-level token (`xapp-…`), which must be sent in the Authorization header.
 */
const HAND_METHODS: Record<string, Param[]> = { 'apps.connections.open': [] };

/** HAND-ADDED ARGUMENTS that Slack documents today but the 2021 description lacks. */
const HAND_ARGS: Record<string, Param[]> = {
  // `force` (2023-11): keep inviting the valid users when some ids are invalid.
  'conversations.invite': [{ name: 'force', in: 'formData', type: 'boolean' }],
};

/**
 * HAND-ADDED REQUIRED ARGUMENTS the description forgets to mark `required` (Slack answers
 * `invalid_arguments` / `channel_not_found` / `invalid_name_required` without them). The
 * description already marks chat.postMessage `channel`, chat.update `channel`+`ts` and
 * views.open `trigger_id`+`view`; they are repeated so the rule does not hang on that.
 */
const HAND_REQUIRED: Record<string, string[]> = {
  'conversations.create': ['name'],
  'conversations.invite': ['channel', 'users'],
  'conversations.setTopic': ['channel', 'topic'],
  'chat.postMessage': ['channel'],
  'chat.update': ['channel', 'ts'],
  'views.open': ['trigger_id', 'view'],
};

/**
 * HAND-ADDED ENUMS. The description declares no `enum` at all; these come from the parameter
 * descriptions ("parse … Accepts either `none` or `full`").
 */
const HAND_ENUMS: Record<string, Record<string, unknown[]>> = {
  'chat.postMessage': { parse: ['none', 'full'] },
  'chat.postEphemeral': { parse: ['none', 'full'] },
  'chat.update': { parse: ['none', 'full'] },
};

/** HAND-ADDED: a message needs one of these (Slack answers `no_text` otherwise). */
const NEEDS_CONTENT = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update']);

/** Arguments sent as JSON strings in a form body, and the JSON type they must decode to. */
const JSON_ARGS: Record<string, 'array' | 'object'> = { blocks: 'array', attachments: 'array', view: 'object' };

// ---- Schema building -------------------------------------------------------------------------

const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function params(method: string): Param[] | undefined {
  const op = spec.paths[`/${method}`];
  const fromSpec = op ? Object.values(op)[0]?.parameters ?? [] : HAND_METHODS[method];
  if (!fromSpec) return undefined;
  return [...fromSpec, ...(HAND_ARGS[method] ?? [])].filter((p) => (p.in === 'formData' || p.in === 'query') && p.name !== 'token');
}

/** The JSON Schema of a method's arguments, built from its formData/query parameters plus the hand rules. */
export function argumentSchema(method: string): Json | undefined {
  const ps = params(method);
  if (!ps) return undefined;
  const properties: Record<string, Json> = {};
  const required = new Set(HAND_REQUIRED[method] ?? []);
  for (const p of ps) {
    const jsonType = JSON_ARGS[p.name];
    const e = HAND_ENUMS[method]?.[p.name] ?? p.enum;
    properties[p.name] = { type: jsonType ?? p.type ?? 'string', ...(e ? { enum: e } : {}) };
    if (p.required) required.add(p.name);
  }
  return { type: 'object', properties, required: [...required], additionalProperties: false };
}

function validator(method: string): ValidateFunction | undefined {
  let v = compiled.get(method);
  if (!v) {
    const schema = argumentSchema(method);
    if (!schema) return undefined;
    v = ajv.compile(schema);
    compiled.set(method, v);
  }
  return v;
}

function describe(e: ErrorObject): string {
  const arg = e.instancePath.replace(/^\//, '');
  switch (e.keyword) {
    case 'required':
      return `missing required argument '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'additionalProperties':
      return `unknown argument '${(e.params as { additionalProperty: string }).additionalProperty}' (not in Slack's description of this method)`;
    case 'enum':
      return `argument '${arg}' must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'type':
      return `argument '${arg}' must be ${(e.params as { type: string }).type}`;
    default:
      return `argument '${arg}' ${e.message ?? 'is invalid'}`;
  }
}

export function isKnownMethod(method: string): boolean {
  return params(method) !== undefined;
}

export interface CheckedCall {
  /** Problems found; empty when the call is valid. Each starts with the method name. */
  violations: string[];
  /** The arguments with `blocks` / `attachments` / `view` decoded from their JSON strings. */
  args: Json;
}

/** Validates one call's arguments (token excluded) against the description, the hand rules and Block Kit. */
export function validateSlackCall(method: string, args: Json): CheckedCall {
  const decoded: Json = { ...args };
  const v = validator(method);
  if (!v) return { violations: [`${method}: unknown method (not in Slack's description, nor hand-added)`], args: decoded };
  const out: string[] = [];
  for (const [name, type] of Object.entries(JSON_ARGS)) {
    if (typeof decoded[name] !== 'string') continue;
    try {
      decoded[name] = JSON.parse(decoded[name] as string);
    } catch {
      out.push(`argument '${name}' is not valid JSON (it must be a JSON-encoded ${type})`);
    }
  }
  // Validate a copy: ajv's coercion rewrites values in place, and the call record keeps the originals.
  const copy: Json = structuredClone(decoded);
  for (const name of Object.keys(JSON_ARGS)) if (typeof copy[name] === 'string') delete copy[name]; // already reported
  if (!v(copy)) out.push(...(v.errors ?? []).map(describe));
  if (NEEDS_CONTENT.has(method) && !['text', 'blocks', 'attachments'].some((k) => decoded[k] !== undefined && decoded[k] !== '')) {
    out.push("needs one of 'text', 'blocks' or 'attachments'");
  }
  if (Array.isArray(decoded.blocks)) out.push(...checkMessageBlocks(decoded.blocks));
  if (method.startsWith('views.') && method !== 'views.publish' && decoded.view !== undefined && typeof decoded.view !== 'string') {
    out.push(...checkModalView(decoded.view));
  }
  return { violations: out.map((m) => `${method}: ${m}`), args: decoded };
}

export interface ParsedRequest {
  args: Json;
  token?: string;
  /** Transport-level problems (unreadable body, token in the wrong place), each prefixed with the method. */
  problems: string[];
}

/** Reads a Web API HTTP request the way Slack does: query + body merged, token from header or `token` field. */
export function parseSlackRequest(method: string, query: URLSearchParams, headers: IncomingHttpHeaders, rawBody: string): ParsedRequest {
  const problems: string[] = [];
  const args: Json = Object.fromEntries(query);
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let jsonBody = false;
  if (rawBody.length > 0) {
    if (type === 'application/x-www-form-urlencoded') Object.assign(args, Object.fromEntries(new URLSearchParams(rawBody)));
    else if (type === 'application/json') {
      jsonBody = true;
      try {
        const body: unknown = JSON.parse(rawBody);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) problems.push('the JSON body must be an object');
        else Object.assign(args, body);
      } catch {
        problems.push('the body is not valid JSON');
      }
    } else problems.push(`unsupported content-type ${JSON.stringify(headers['content-type'] ?? '')} (Slack takes form-urlencoded or JSON)`);
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''))?.[1];
  const field = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  // Slack reads the token of a JSON request only from the Authorization header.
  if (field && jsonBody) problems.push("a JSON body cannot carry 'token'; send it as Authorization: Bearer");
  if (field && !bearer && method === 'apps.connections.open') problems.push('the app-level token must be sent in the Authorization header');
  const token = bearer ?? (jsonBody ? undefined : field);
  return { args, token, problems: problems.map((p) => `${method}: ${p}`) };
}
