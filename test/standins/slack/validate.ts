import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
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
 * ajv-formats is not used for arguments (no Slack parameter declares a `format`); answers use
 * it (`format: uri` on permalinks and icons).
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

// ---- HAND-ADDED RULES FOR ANSWERS (the stand-in's own responses, see validateSlackResponse) ----

/**
 * HAND-ADDED ERRORS. Slack's docs list "common errors" any method may answer today; the 2021
 * description's per-method `error` enums predate some of them (e.g. chat.postMessage lacks
 * `invalid_arguments`). Source: the "Errors" table of each method page on api.slack.com.
 */
const HAND_COMMON_ERRORS = ['invalid_arguments', 'not_allowed_token_type', 'ratelimited', 'fatal_error', 'internal_error', 'service_unavailable', 'missing_scope', 'access_denied'];

/** Patches the description's answer schemas where it is out of date or wrong, each with its reason. */
function fixAnswerSchema(method: string, kind: 'ok' | 'error', schema: Json): Json {
  const out = structuredClone(schema) as Json & { properties?: Record<string, Json> };
  if (kind === 'error' && out.properties) {
    const error = out.properties.error as { enum?: string[] } | undefined;
    if (error?.enum) error.enum = [...new Set([...error.enum, ...HAND_COMMON_ERRORS])];
    // `invalid_arguments` comes with `response_metadata.messages` (api.slack.com/web, "Evaluating responses").
    out.properties.response_metadata ??= { type: 'object', properties: { messages: { type: 'array', items: { type: 'string' } } } };
  }
  // DESCRIPTION BUG: chat.update's answer declares `message.blocks` as an object; Slack answers
  // the message's blocks, an array (as chat.postMessage's `objs_message.blocks` says).
  const message = out.properties?.message as { properties?: Record<string, Json> } | undefined;
  if (method === 'chat.update' && kind === 'ok' && message?.properties?.blocks) message.properties.blocks = { type: 'array', items: { type: 'object' } };
  return out;
}

/**
 * HAND-ADDED FIELD: messages posted by an app carry `app_id` (Slack has sent it since Block Kit
 * apps, 2019-2020); the 2021 `objs_message` lists `bot_id` and `team` but not `app_id`, and
 * forbids additional properties.
 */
function fixDefinitions(definitions: Record<string, Json>): Record<string, Json> {
  const out = structuredClone(definitions) as Record<string, Json & { properties?: Record<string, Json> }>;
  out.objs_message.properties!.app_id = { type: 'string', pattern: '^A[A-Z0-9]{1,}$' };
  return out;
}

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

// ---- Answers ---------------------------------------------------------------------------------

// ajv-formats is CommonJS; its default export arrives under `.default` from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Swagger 2.0 `#/definitions/…` references, made resolvable from every compiled answer schema. */
// inlineRefs off: the shared definitions (objs_conversation, objs_message) compile once, not into every method's answer.
const answerAjv = new Ajv({ allErrors: true, strict: false, inlineRefs: false });
addFormats(answerAjv);
answerAjv.addSchema({ $id: 'slack.json', definitions: fixDefinitions((spec as unknown as { definitions: Record<string, Json> }).definitions) });
const answerValidators = new Map<string, ValidateFunction>();
const toSlackJson = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(toSlackJson);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `slack.json${x}` : toSlackJson(x)]));
};

/**
 * Checks an answer the stand-in is about to send for `method` against the description:
 * `responses.200.schema` when `ok` is true, `responses.default.schema` (the error answer)
 * otherwise, with the hand rules above. Methods the description lacks (hand-added ones such as
 * apps.connections.open) have nothing to check. Each problem starts with the method name.
 */
export function validateSlackResponse(method: string, body: Json): string[] {
  const op = spec.paths[`/${method}`];
  if (!op) return [];
  const kind = body.ok === true ? 'ok' : 'error';
  const key = `${method}:${kind}`;
  let v = answerValidators.get(key);
  if (!v) {
    const responses = (Object.values(op)[0] as { responses?: Record<string, { schema?: Json }> }).responses ?? {};
    const schema = responses[kind === 'ok' ? '200' : 'default']?.schema;
    if (!schema) return [`${method}: the description has no ${kind === 'ok' ? '200' : 'default (error)'} answer schema`];
    v = answerAjv.compile(toSlackJson(fixAnswerSchema(method, kind, schema)) as Json);
    answerValidators.set(key, v);
  }
  if (v(body)) return [];
  return (v.errors ?? []).map((e) => {
    const extra = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})`
      : e.params && 'additionalProperty' in e.params ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
    return `${method}: answer${e.instancePath} ${e.message}${extra}`;
  });
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
