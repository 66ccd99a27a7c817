import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives under `.default` from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Checks requests against an OpenAPI 3 description, for the local stand-ins of PagerDuty,
 * Statuspage and GitHub. Finds the operation by method and path template, then validates path
 * and query parameters and the JSON body with ajv against the description's own schemas.
 * `validateResponse` checks what the stand-in answers the same way, against the response the
 * description gives for the status code sent, so a stand-in cannot drift from the real API.
 */
export interface OpenApiRequest {
  method: string;
  /** Path as the service sees it (without the stand-in's prefix), e.g. `/v2/enqueue`. */
  path: string;
  query?: URLSearchParams;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface OpenApiMatch {
  operationId?: string;
  /** Lower-case HTTP method of the matched operation. */
  method?: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/issues`. */
  template?: string;
  params: Record<string, string>;
  errors: string[];
}

type Json = Record<string, unknown>;

interface Operation {
  template: string;
  regex: RegExp;
  names: string[];
  method: string;
  op: Json;
  pathParams: Json[];
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly ops: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly spec: Json, o: { basePath?: string } = {}) {
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false, validateFormats: true, discriminator: false });
    addFormats(this.ajv);
    // Make `#/components/...` references resolvable from every compiled sub-schema.
    this.ajv.addSchema({ $id: 'spec.json', components: rewriteRefs(spec.components ?? {}) } as Json);
    for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
      const names: string[] = [];
      const full = `${o.basePath ?? ''}${template}`;
      const regex = new RegExp(`^${full.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n) => (names.push(n), '([^/]+)'))}/?$`);
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        if (item[method]) this.ops.push({ template: full, regex, names, method, op: item[method] as Json, pathParams: (item.parameters as Json[]) ?? [] });
      }
    }
    // Literal segments beat parameters: `/incidents/count` before `/incidents/{id}`.
    this.ops.sort((a, b) => a.names.length - b.names.length);
  }

  static fromFile(path: string, o?: { basePath?: string; fix?: (spec: Json) => void }): OpenApiValidator {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as Json;
    o?.fix?.(spec);
    return new OpenApiValidator(spec, o);
  }

  private schemaValidator(key: string, schema: unknown, coerce = false): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      const s = rewriteRefs(schema) as Json;
      v = (coerce ? coercingAjv(this.spec) : this.ajv).compile(s);
      this.compiled.set(key, v);
    }
    return v;
  }

  validate(r: OpenApiRequest): OpenApiMatch {
    const method = r.method.toLowerCase();
    const candidates = this.ops.filter((o) => o.regex.test(r.path));
    const found = candidates.find((o) => o.method === method);
    if (!found) {
      return { params: {}, errors: [candidates.length ? `${r.method} is not allowed on ${r.path}` : `no operation matches ${r.method} ${r.path}`] };
    }
    const m = found.regex.exec(r.path)!;
    const params = Object.fromEntries(found.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    const errors: string[] = [];
    const id = (found.op.operationId as string | undefined) ?? `${method} ${found.template}`;
    const parameters = [...found.pathParams, ...((found.op.parameters as Json[]) ?? [])].map((p) => this.deref(p));
    for (const p of parameters) {
      const name = p.name as string;
      const where = p.in as string;
      let value: unknown;
      if (where === 'path') value = params[name];
      else if (where === 'query') {
        const all = r.query?.getAll(name) ?? r.query?.getAll(`${name}[]`) ?? [];
        const list = all.length ? all : (r.query?.getAll(`${name}[]`) ?? []);
        value = list.length === 0 ? undefined : (p.schema as Json | undefined)?.type === 'array' ? list : list[0];
      } else if (where === 'header') value = r.headers?.[name.toLowerCase()];
      else continue;
      if (value === undefined) {
        if (p.required) errors.push(`${id}: missing required ${where} parameter "${name}"`);
        continue;
      }
      if (p.schema) {
        const v = this.schemaValidator(`${id}:${where}:${name}`, p.schema, true);
        if (!v(value)) errors.push(...(v.errors ?? []).map((e) => `${id}: ${where} parameter "${name}"${e.instancePath} ${e.message}`));
      }
    }
    const body = found.op.requestBody ? this.deref(found.op.requestBody as Json) : undefined;
    if (body) {
      const schema = ((body.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
      if (r.body === undefined || r.body === '') {
        if (body.required) errors.push(`${id}: the request body is required`);
      } else if (schema) {
        const v = this.schemaValidator(`${id}:body`, schema);
        if (!v(r.body)) errors.push(...(v.errors ?? []).map((e) => `${id}: body${e.instancePath || ''} ${e.message}${detail(e.params)}`));
      }
    }
    return { operationId: found.op.operationId as string | undefined, method, template: found.template, params, errors };
  }

  /**
   * Checks a stand-in's answer to a matched request: the JSON body against the schema of the
   * response described for `status` (exact code, then `4XX`-style range, then `default`).
   * A 2xx the operation does not describe is an error (the stand-in picked the wrong code); any
   * other undescribed status (429, 5xx), or one described without a JSON schema, has nothing to check. `skip(instancePath, keyword)`
   * lets a stand-in ignore a known flaw of its description, with a comment saying why.
   */
  validateResponse(m: OpenApiMatch, status: number, body: unknown, skip?: (e: { instancePath: string; keyword: string }) => boolean): string[] {
    const found = this.ops.find((o) => o.template === m.template && o.method === m.method);
    if (!found) return [];
    const id = (found.op.operationId as string | undefined) ?? `${found.method} ${found.template}`;
    const responses = (found.op.responses ?? {}) as Record<string, Json>;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) return status >= 200 && status < 300 ? [`${id}: response ${status} is not described (described: ${Object.keys(responses).join(', ')})`] : [];
    const content = (this.deref(responses[key]).content ?? {}) as Record<string, Json>;
    const type = Object.keys(content).find((t) => t === 'application/json') ?? Object.keys(content).find((t) => /[/+]json$/.test(t));
    const schema = type ? content[type].schema : undefined;
    if (!schema) return []; // described without a body schema: nothing to check against
    const v = this.schemaValidator(`${id}:response:${key}`, schema);
    if (v(body)) return [];
    return (v.errors ?? []).filter((e) => !skip?.(e)).map((e) => `${id}: response ${status} body${e.instancePath || ''} ${e.message}${detail(e.params)}`);
  }

  /** Resolves a `$ref` to a parameter or request body (one level is all the descriptions use). */
  private deref(o: Json): Json {
    const ref = o.$ref as string | undefined;
    if (!ref) return o;
    return ref.slice(2).split('/').reduce<Json>((acc, k) => acc[k.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, this.spec);
  }
}

/** The allowed values or the unexpected property of an ajv error, for the message. */
function detail(params: Record<string, unknown> | undefined): string {
  if (params && 'allowedValues' in params) return ` (${(params.allowedValues as unknown[]).join(', ')})`;
  if (params && 'additionalProperty' in params) return ` ("${params.additionalProperty}")`;
  return '';
}

/**
 * Prepares OpenAPI 3.0 schemas for ajv: local `$ref`s point into `spec.json`, and `nullable`
 * (OpenAPI's own keyword) becomes a JSON Schema type list; without a `type` it allows anything.
 */
function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (!v || typeof v !== 'object') return v;
  const out = Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `spec.json${x}` : rewriteRefs(x)]));
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  } else if (out.nullable === false) delete out.nullable;
  return out;
}

const coercing = new WeakMap<Json, Ajv>();
/** Query and path values arrive as strings: this ajv coerces them to the declared types. */
function coercingAjv(spec: Json): Ajv {
  let a = coercing.get(spec);
  if (!a) {
    a = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array', discriminator: false });
    addFormats(a);
    a.addSchema({ $id: 'spec.json', components: rewriteRefs(spec.components ?? {}) } as Json);
    coercing.set(spec, a);
  }
  return a;
}
