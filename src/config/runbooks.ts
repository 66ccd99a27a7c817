import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { placeholders, valueProblem, type Runbook } from '../core/runbook.ts';
import type { ContactsFile } from './contactsSchema.ts';
import { readYamlFile } from './readYaml.ts';
import { runbookFileSchema, toRunbook, type RunbookFile } from './runbookSchema.ts';

/** Loads `commands/*.yml`; problems name the file and the field (`commands/x.yml: steps[0].exec: …`). */
export function loadRunbooks(base: string, contacts: ContactsFile, problems: string[]): Runbook[] {
  const dir = join(base, 'commands');
  if (!existsSync(dir)) return [];
  const runbooks: Runbook[] = [];
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const name of files) {
    const file = `commands/${name}`;
    const parsed = readYamlFile(join(dir, name), runbookFileSchema, base);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const found = crossCheck(parsed.value, file, basename(name).replace(/\.ya?ml$/, ''), contacts);
    if (found.length) {
      problems.push(...found);
      continue;
    }
    runbooks.push(toRunbook(parsed.value, file));
  }
  const seen = new Map<string, string>();
  for (const rb of runbooks) {
    if (seen.has(rb.name)) problems.push(`${rb.file}: name: "${rb.name}" is also the name in ${seen.get(rb.name)} (expected one file per runbook)`);
    seen.set(rb.name, rb.file);
  }
  return runbooks;
}

/** What zod cannot see alone: the file name, contact groups, declared parameters, defaults. */
function crossCheck(f: RunbookFile, file: string, stem: string, contacts: ContactsFile): string[] {
  const out: string[] = [];
  if (f.name !== stem) out.push(`${file}: name: expected "${stem}" (the file name), got "${f.name}"`);
  f.approvers.forEach((g, i) => {
    if (!contacts.groups[g]) out.push(`${file}: approvers[${i}]: unknown contact group "${g}" (expected a key under groups: in contacts.yml)`);
    else if (!contacts.groups[g].members.some((m) => contacts.people[m]?.slack)) {
      out.push(`${file}: approvers[${i}]: contact group "${g}" has no member with a Slack id, so nobody could approve`);
    }
  });
  for (const [name, p] of Object.entries(f.parameters)) {
    if (p.default === undefined) continue;
    const problem = valueProblem({ name, ...p }, p.default);
    if (problem) out.push(`${file}: parameters.${name}.default: ${problem}`);
  }
  const declared = Object.keys(f.parameters);
  for (const section of ['preconditions', 'steps', 'verification', 'rollback'] as const) {
    f[section].forEach((a, i) => {
      for (const used of placeholders(a)) {
        if (!declared.includes(used)) out.push(`${file}: ${section}[${i}]: uses {{${used}}}, which is not under parameters:`);
      }
    });
  }
  return out;
}
