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
  try {
    const doc = YAML.parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) return { ok: false, problems: doc.errors.map((e) => `${shown}: not valid YAML: ${e.message.split('\n')[0]}`) };
    data = doc.toJS() ?? {};
  } catch (e) {
    return { ok: false, problems: [`${shown}: not valid YAML: ${(e as Error).message}`] };
  }
  const result = schema.safeParse(data, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: describeZodIssues(shown, result.error) };
}
