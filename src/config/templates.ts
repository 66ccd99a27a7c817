import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTemplate, missingFields, TemplateError, type Template } from '../templates/engine.ts';
import { sampleStatusPageData } from '../templates/statusPageData.ts';

/** The communication templates (templates/): Slack messages, emails, status-page texts, the PIR. */
export interface Templates {
  slack: Map<string, Template>;
  email: Map<string, { subject: Template; text: Template; html?: Template }>;
  statuspage: Map<string, Template>;
  pir?: Template;
  /**
   * drbot's own public status page (GET /status), templates/status/page.html.hbs, HTML-escaped.
   * Not to be confused with `statuspage`, the texts sent to Atlassian Statuspage. Always present
   * once the config has loaded (a missing or broken file stops the start).
   */
  statusPageHtml?: Template;
}

const STATUS_PAGE = 'templates/status/page.html.hbs';

function readDir(dir: string, ext: string): [string, string][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => [f.slice(0, -ext.length), readFileSync(join(dir, f), 'utf8')]);
}

/** Compiles every template and checks each field it uses against `sample` (a full template data object). */
export function loadTemplates(base: string, sample: object, problems: string[]): Templates {
  const t: Templates = { slack: new Map(), email: new Map(), statuspage: new Map() };
  const compile = (file: string, name: string, src: string, mode: 'html' | 'text', against: object = sample): Template | undefined => {
    try {
      const tpl = compileTemplate(file, src, mode);
      for (const f of missingFields(tpl, against)) problems.push(`${file}: uses the field "${f}", which drbot does not provide (see README "Templates" for the fields)`);
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
  const statusFile = join(dir, 'status', 'page.html.hbs');
  if (!existsSync(statusFile)) {
    problems.push(`${STATUS_PAGE}: file not found (drbot's public status page, GET /status; copy it from the drbot repository)`);
  } else {
    const samples = sampleStatusPageData();
    const before = problems.length;
    const tpl = compile(STATUS_PAGE, 'status-page', readFileSync(statusFile, 'utf8'), 'html', samples[0]);
    // Rendering the samples in strict mode also reaches the fields inside lists and partials.
    const broken = tpl && problems.length === before ? samples.map((d) => tryRender(tpl, d)).find((e) => e !== undefined) : undefined;
    if (broken) problems.push(`${STATUS_PAGE}: ${broken}`);
    else if (tpl && problems.length === before) t.statusPageHtml = tpl;
  }
  if (existsSync(join(dir, 'pir.md.hbs'))) t.pir = compile('templates/pir.md.hbs', 'pir', readFileSync(join(dir, 'pir.md.hbs'), 'utf8'), 'text');
  return t;
}

/** Why rendering `data` fails, or undefined when it does not. */
function tryRender(t: Template, data: object): string | undefined {
  try {
    t.render(data);
    return undefined;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const field = /uses the field "([^"]+)"/.exec(e.message)?.[1];
    return field ? `uses the field "${field}", which drbot does not provide (see README "Templates" for the fields)` : e.message.replace(/^template \S+: /, '');
  }
}
