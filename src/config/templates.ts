import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTemplate, missingFields, TemplateError, type Template } from '../templates/engine.ts';

/** The communication templates (templates/): Slack messages, emails, status-page texts, the PIR. */
export interface Templates {
  slack: Map<string, Template>;
  email: Map<string, { subject: Template; text: Template; html?: Template }>;
  statuspage: Map<string, Template>;
  pir?: Template;
}

function readDir(dir: string, ext: string): [string, string][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => [f.slice(0, -ext.length), readFileSync(join(dir, f), 'utf8')]);
}

/** Compiles every template and checks each field it uses against `sample` (a full template data object). */
export function loadTemplates(base: string, sample: object, problems: string[]): Templates {
  const t: Templates = { slack: new Map(), email: new Map(), statuspage: new Map() };
  const compile = (file: string, name: string, src: string, mode: 'html' | 'text'): Template | undefined => {
    try {
      const tpl = compileTemplate(file, src, mode);
      for (const f of missingFields(tpl, sample)) problems.push(`${file}: uses the field "${f}", which drbot does not provide (see README "Templates" for the fields)`);
      return tpl;
    } catch (e) {
      if (e instanceof TemplateError) problems.push(`${file}: ${e.message.replace(/^template \S+: /, '')}`);
      else throw e;
      return undefined;
    }
  };
  const dir = join(base, 'templates');
  for (const [name, src] of readDir(join(dir, 'slack'), '.hbs')) {
    const tpl = compile(`templates/slack/${name}.hbs`, name, src, 'text');
    if (tpl) t.slack.set(name, tpl);
  }
  for (const [name, src] of readDir(join(dir, 'statuspage'), '.hbs')) {
    const tpl = compile(`templates/statuspage/${name}.hbs`, name, src, 'text');
    if (tpl) t.statuspage.set(name, tpl);
  }
  const emailDir = join(dir, 'email');
  for (const [name, src] of readDir(emailDir, '.subject.hbs')) {
    const text = existsSync(join(emailDir, `${name}.txt.hbs`)) ? readFileSync(join(emailDir, `${name}.txt.hbs`), 'utf8') : undefined;
    if (text === undefined) {
      problems.push(`templates/email/${name}.txt.hbs: file not found (every email needs a .subject.hbs and a .txt.hbs; .html.hbs is optional)`);
      continue;
    }
    const html = existsSync(join(emailDir, `${name}.html.hbs`)) ? readFileSync(join(emailDir, `${name}.html.hbs`), 'utf8') : undefined;
    const subject = compile(`templates/email/${name}.subject.hbs`, name, src, 'text');
    const body = compile(`templates/email/${name}.txt.hbs`, name, text, 'text');
    const htmlTpl = html === undefined ? undefined : compile(`templates/email/${name}.html.hbs`, name, html, 'html');
    if (subject && body) t.email.set(name, { subject, text: body, html: htmlTpl });
  }
  if (existsSync(join(dir, 'pir.md.hbs'))) t.pir = compile('templates/pir.md.hbs', 'pir', readFileSync(join(dir, 'pir.md.hbs'), 'utf8'), 'text');
  return t;
}
