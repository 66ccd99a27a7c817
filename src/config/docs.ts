import type { z } from 'zod';
import { chainStepSchema } from './chainSchema.ts';
import { contactsFileSchema } from './contactsSchema.ts';
import { runbookFileSchema } from './runbookSchema.ts';
import { envSchema } from './env.ts';
import { settingsFileSchema } from './settingsSchema.ts';

/**
 * The README's configuration reference, generated from the zod schemas themselves, so the docs
 * cannot drift from what drbot accepts (a test compares the README with this output).
 */
interface Row { name: string; type: string; def: string; description: string }

type Any = z.ZodType & { def: Record<string, unknown>; description?: string; shape?: Record<string, Any>; options?: Any[] };

function describeType(s: Any, info: { def?: string; description?: string; optional?: boolean }): string {
  info.description ??= s.description;
  const t = s.def.type as string;
  switch (t) {
    case 'optional':
    case 'nullable':
      info.optional = true;
      return describeType(s.def.innerType as Any, info) + (t === 'nullable' ? ' or null' : '');
    case 'default':
    case 'prefault': {
      const v = s.def.defaultValue;
      info.def ??= JSON.stringify(typeof v === 'function' ? (v as () => unknown)() : v);
      return describeType(s.def.innerType as Any, info);
    }
    case 'pipe':
      return describeType(s.def.in as Any, info);
    case 'union': {
      const opts = s.def.options as Any[];
      if (opts.length === 2 && opts.some((o) => o.def.type === 'number')) return 'duration (30s, 5m, 1h, 2d)';
      return opts.map((o) => describeType(o, {})).join(' | ');
    }
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

function rows(shape: Record<string, Any>, prefix = ''): Row[] {
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
        return [{ name: `${name}.{${Object.keys(inner.shape).join(',')}}`, type: 'object', def: 'required', description: info.description ?? '' }, ...rows((values[0] as Any).shape!, `${name}.<sevN>.`)];
      }
      return [{ name, type: 'object', def: '', description: info.description ?? '' }, ...rows(inner.shape, `${name}.`)];
    }
    if (inner.def.type === 'record' && (inner.def.valueType as Any).def.type === 'object') {
      return [{ name: `${name}.<key>`, type: 'object', def: '', description: info.description ?? '' }, ...rows((inner.def.valueType as Any).shape!, `${name}.<key>.`)];
    }
    if (inner.def.type === 'array' && (inner.def.element as Any).def.type === 'object') {
      return [{ name: `${name}[]`, type: 'list', def: info.def ?? '', description: info.description ?? '' }, ...rows((inner.def.element as Any).shape!, `${name}[].`)];
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
