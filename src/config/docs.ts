import type { z } from 'zod';
import { chainStepSchema } from './chainSchema.ts';
import { contactsFileSchema } from './contactsSchema.ts';
import { runbookFileSchema } from './runbookSchema.ts';
import { envSchema } from './env.ts';
import { settingsFileSchema } from './settingsSchema.ts';
import { duration } from './fields.ts';
import { formatDuration } from '../core/duration.ts';

/**
 * The README's configuration reference, generated from the zod schemas themselves, so the docs
 * cannot drift from what drbot accepts (a test compares the README with this output).
 */
interface Row { name: string; type: string; def: string; description: string }

type Any = z.ZodType & { def: Record<string, unknown>; description?: string; shape?: Record<string, Any>; options?: Any[] };

const DURATION = 'duration (30s, 5m, 1h, 2d)';

/** The duration field's own schema (`fields.ts`), wherever it is reused: its values are milliseconds once parsed. */
const isDuration = (s: Any) => s.def.type === 'pipe' && s.def.in === (duration as unknown as Any).def.in; // .describe() copies the schema, not its parts

/** A default as written in the files: a duration in its own words (`5s`, not 5000). */
function shownDefault(s: Any, v: unknown): string {
  let inner = s;
  while (['optional', 'nullable', 'default', 'prefault'].includes(inner.def.type as string)) inner = inner.def.innerType as Any;
  return isDuration(inner) && typeof v === 'number' ? JSON.stringify(formatDuration(v)) : JSON.stringify(v);
}

function describeType(s: Any, info: { def?: string; description?: string; optional?: boolean }): string {
  info.description ??= s.description;
  if (isDuration(s)) return DURATION;
  const t = s.def.type as string;
  switch (t) {
    case 'optional':
    case 'nullable':
      info.optional = true;
      return describeType(s.def.innerType as Any, info) + (t === 'nullable' ? ' or null' : '');
    case 'default':
    case 'prefault': {
      const v = s.def.defaultValue;
      info.def ??= shownDefault(s, typeof v === 'function' ? (v as () => unknown)() : v);
      return describeType(s.def.innerType as Any, info);
    }
    case 'pipe':
      return describeType(s.def.in as Any, info);
    case 'union':
      return (s.def.options as Any[]).map((o) => describeType(o, {})).join(' | ');
    case 'enum':
      return Object.values(s.def.entries as Record<string, string>).join(' | ');
    case 'literal':
      return (s.def.values as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
    case 'array':
      return `list of ${describeType(s.def.element as Any, {})}`;
    case 'record':
      return `map of ${describeType(s.def.valueType as Any, {})}`;
    case 'object':
      return 'object';
    default:
      return t;
  }
}

const objectOf = (s: Any): Any | undefined => (s.def.type === 'object' && s.shape ? s : undefined);

/**
 * `seen`: list element schemas already documented, and where. A list of the same objects (the
 * runbook's preconditions, steps, verification and rollback are all actions) gets one row that
 * points there instead of the same rows again.
 */
function rows(shape: Record<string, Any>, prefix = '', seen = new Map<Any, string>()): Row[] {
  return Object.entries(shape).flatMap(([key, s]) => {
    const info: { def?: string; description?: string; optional?: boolean } = {};
    const type = describeType(s, info);
    let inner: Any = s;
    while (['optional', 'nullable', 'default', 'prefault'].includes(inner.def.type as string)) inner = inner.def.innerType as Any;
    const name = `${prefix}${key}`;
    if (inner.def.type === 'object' && inner.shape) {
      const values = Object.values(inner.shape);
      // sev1 … sev4 share one schema: document it once.
      if (values.length > 1 && values.every((v) => v === values[0]) && (values[0] as Any).shape) {
        return [{ name: `${name}.{${Object.keys(inner.shape).join(',')}}`, type: 'object', def: 'required', description: info.description ?? '' }, ...rows((values[0] as Any).shape!, `${name}.<sevN>.`, seen)];
      }
      return [{ name, type: 'object', def: '', description: info.description ?? '' }, ...rows(inner.shape, `${name}.`, seen)];
    }
    if (inner.def.type === 'record' && (inner.def.valueType as Any).def.type === 'object') {
      return [{ name: `${name}.<key>`, type: 'object', def: '', description: info.description ?? '' }, ...rows((inner.def.valueType as Any).shape!, `${name}.<key>.`, seen)];
    }
    if (inner.def.type === 'array' && objectOf(inner.def.element as Any)) {
      const element = inner.def.element as Any;
      const first = seen.get(element);
      const row = { name: `${name}[]`, type: 'list', def: info.def ?? '' };
      if (first) {
        const same = `each entry has the fields of \`${first}\` above`;
        return [{ ...row, description: info.description ? `${info.description}; ${same}` : same.replace(/^e/, 'E') }];
      }
      seen.set(element, `${name}[]`);
      return [{ ...row, description: info.description ?? '' }, ...rows(objectOf(element)!.shape!, `${name}[].`, seen)];
    }
    return [{ name, type, def: info.def ?? (info.optional ? '' : 'required'), description: info.description ?? '' }];
  });
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(title: string, rs: Row[]): string {
  return [`#### ${title}`, '', '| name | type | default | meaning |', '| --- | --- | --- | --- |',
    ...rs.map((r) => `| \`${r.name}\` | ${esc(r.type)} | ${r.def ? `\`${esc(r.def)}\`` : ''} | ${esc(r.description)} |`), ''].join('\n');
}

/** The objects inside a possibly wrapped (refined, piped) schema. */
function shapeOf(s: z.ZodType): Record<string, Any> {
  let x = s as Any;
  while (!x.shape && (x.def.innerType || x.def.in)) x = (x.def.innerType ?? x.def.in) as Any;
  return x.shape!;
}

export function configReference(): string {
  const envRows = rows(envSchema.shape as unknown as Record<string, Any>).map((r) => ({ ...r, description: r.description.replace(' (secret)', ' **(secret)**') }));
  const stepKinds = (chainStepSchema as unknown as Any).options!.map((o) => {
    const shape = o.shape!;
    const kind = (shape.kind.def.values as string[])[0];
    const own = Object.keys(shape).filter((k) => !['id', 'at', 'label', 'when', 'kind'].includes(k));
    return `| \`${kind}\` | ${own.map((k) => `\`${k}\``).join(', ') || '—'} |`;
  });
  return [
    table('Environment variables', envRows),
    table('drbot.yml', rows(shapeOf(settingsFileSchema))),
    table('contacts.yml', rows(shapeOf(contactsFileSchema))),
    table('notifications/sevN.yml: `steps[]`', rows(shapeOf((chainStepSchema as unknown as Any).options![0]))),
    '#### Step kinds', '', '| kind | its own fields |', '| --- | --- |', ...stepKinds, '',
    table('commands/<name>.yml (recovery commands)', rows(shapeOf(runbookFileSchema))),
  ].join('\n');
}

export const README_START = '<!-- config-reference:start (generated by `npm run config-docs`; do not edit by hand) -->';
export const README_END = '<!-- config-reference:end -->';

/** The README with its reference block replaced by the freshly generated one. */
export function withReference(readme: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  return `${readme.slice(0, start + README_START.length)}\n\n${configReference()}\n${readme.slice(end)}`;
}
