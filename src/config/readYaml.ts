import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { describeZodIssues } from './errors.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Reads and validates one YAML file; problems name the file (relative to `base`) and the field. */
export function readYamlFile<S extends z.ZodTypeAny>(path: string, schema: S, base: string): Parsed<z.output<S>> {
  const shown = relative(base, path) || path;
  if (!existsSync(path)) return { ok: false, problems: [`${shown}: file not found (expected it in the config folder ${base})`] };
  let data: unknown;
  const text = readFileSync(path, 'utf8');
  try {
    const lineCounter = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
    if (doc.errors.length) return { ok: false, problems: doc.errors.map((e) => yamlProblem(shown, text, e.message, lineCounter.linePos(e.pos[0]))) };
    data = doc.toJS() ?? {};
  } catch (e) {
    return { ok: false, problems: [`${shown}: not valid YAML: ${(e as Error).message}`] };
  }
  const result = schema.safeParse(data, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: describeZodIssues(shown, result.error) };
}

/**
 * `drbot.yml: not valid YAML: line 4, column 1: <the parser's message>`, then the line before
 * (where an unclosed bracket usually is) and the offending line, with a caret under the column.
 */
export function yamlProblem(shown: string, text: string, message: string, at: { line: number; col: number }): string {
  const lines = text.split(/\r?\n/);
  const width = String(at.line).length;
  const row = (n: number) => `${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`.trimEnd();
  const offending = lines[at.line - 1] ?? '';
  // Tabs stay tabs under the line, so the caret lines up whatever the tab width.
  const pad = offending.slice(0, at.col - 1).replace(/[^\t]/g, ' ');
  const excerpt = [...(at.line > 1 ? [row(at.line - 1)] : []), row(at.line), `${' '.repeat(width)} | ${pad}^`];
  const end = at.line > lines.length || (at.line === lines.length && offending === '') ? ' (at the end of the file)' : '';
  return [`${shown}: not valid YAML: line ${at.line}, column ${at.col}${end}: ${message.trim()}`, ...excerpt].join('\n');
}
