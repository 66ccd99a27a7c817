import Handlebars from 'handlebars';

/**
 * Communication templates on Handlebars in strict mode: a field the template uses but the data
 * lacks is an error naming the template and the field, never a blank. Which escaping applies is
 * the caller's choice: HTML for email bodies, the chat transport's own for Slack (values are
 * escaped before rendering there), none for plain text.
 */
export type TemplateMode = 'html' | 'text';

export class TemplateError extends Error {
  readonly code = 'TEMPLATE_FIELD';
  constructor(readonly template: string, message: string) {
    super(`template ${template}: ${message}`);
    this.name = 'TemplateError';
  }
}

export interface Template {
  name: string;
  /** Every data path the template reads, e.g. `incident.title` (checked at start-up). */
  fields: string[];
  render(data: object): string;
}

const hb = Handlebars.create();

// Paths inside `{{#each}}` refer to the item, and those inside an inline partial
// (`{{#*inline "name"}}`) to whatever it is called with; we only check paths at the top level of
// the data. A partial's name (`{{> name}}`) is not a field.
function collectFields(node: hbs.AST.Node, out: Set<string>, depth: number): void {
  const n = node as unknown as Record<string, unknown>;
  if (n.type === 'PathExpression' && depth === 0) {
    const p = n as unknown as hbs.AST.PathExpression;
    if (!p.data && p.original !== 'this' && !p.original.startsWith('this.') && !p.original.startsWith('../')) out.add(p.parts.join('.'));
  }
  const isEach = (n.type === 'BlockStatement' && ((n.path as hbs.AST.PathExpression).original === 'each' || (n.path as hbs.AST.PathExpression).original === 'with'))
    || n.type === 'DecoratorBlock';
  const isPartial = n.type === 'PartialStatement' || n.type === 'PartialBlockStatement';
  for (const [key, value] of Object.entries(n)) {
    if (key === 'loc' || key === 'strip' || !value || typeof value !== 'object') continue;
    if (isPartial && key === 'name') continue;
    const inner = isEach && (key === 'program' || key === 'inverse') ? depth + 1 : depth;
    const isHelperName = key === 'path' && n.type !== 'PathExpression' && ((n.params as unknown[])?.length ?? 0) > 0;
    if (isHelperName) continue;
    if (Array.isArray(value)) value.forEach((v) => v && typeof v === 'object' && collectFields(v as hbs.AST.Node, out, inner));
    else collectFields(value as hbs.AST.Node, out, inner);
  }
}

const HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'join', 'upper', 'sentence']);

export function compileTemplate(name: string, source: string, mode: TemplateMode): Template {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (e) {
    throw new TemplateError(name, `not valid Handlebars: ${(e as Error).message.split('\n')[0]}`);
  }
  const found = new Set<string>();
  collectFields(ast, found, 0);
  const fields = [...found].filter((f) => !HELPERS.has(f));
  const compiled = hb.compile(source, { strict: true, noEscape: mode === 'text' });
  // Handlebars compiles on the first render; `_setup` (the first thing a render does) compiles
  // it now: a template the compiler refuses fails at load, not at an incident's first step, and
  // that step does not pay the compile (1–4 ms a template, README "Performance").
  try {
    (compiled as unknown as { _setup(o: object): void })._setup({});
  } catch (e) {
    throw new TemplateError(name, `not valid Handlebars: ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    name,
    fields,
    render(data) {
      try {
        return compiled(data);
      } catch (e) {
        const m = /"([^"]+)" not defined/.exec((e as Error).message);
        throw new TemplateError(name, m ? `uses the field "${m[1]}", which this incident does not have` : (e as Error).message);
      }
    },
  };
}

/** Fields a template uses that `sample` does not provide (for the start-up check). */
export function missingFields(t: Template, sample: object): string[] {
  return t.fields.filter((f) => f.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' && k in o ? (o as Record<string, unknown>)[k] : undefined), sample) === undefined);
}

hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
hb.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
/** Ends a person's text with a full stop when it has none, so the template's next sentence reads right. */
hb.registerHelper('sentence', (s: unknown) => {
  const t = String(s ?? '').trim();
  return t && !/[.!?…]$/.test(t) ? `${t}.` : t;
});
