import { DomainError } from './errors.ts';
import { OPEN_STATUSES, ROLES, type OpenStatus, type Role } from './incident.ts';
import { looksLikeSeverity, parseSeverity, type Severity } from './severity.ts';
import { cleanText } from './text.ts';
import { parseDuration } from './duration.ts';

/** The shared text cleaning lives in text.ts; forms and alerts import it from here too. */
export { cleanText };

/** `/dr <verb> [INC-<n>] <args>`: what a person typed, parsed and checked, nothing executed. */
export type Command =
  | { verb: 'help' }
  | { verb: 'list' }
  | { verb: 'declare'; severity?: Severity; title?: string; private: boolean }
  | { verb: 'status'; ref?: number }
  | { verb: 'update'; ref?: number; status?: OpenStatus; public: boolean; text: string }
  | { verb: 'sev'; ref?: number; severity: Severity; reason: string }
  | { verb: 'assign'; ref?: number; user: string; role: Role }
  | { verb: 'resolve'; ref?: number; summary: string }
  | { verb: 'cancel'; ref?: number; reason: string }
  | { verb: 'reopen'; ref?: number; reason?: string }
  /** Recovery command (runbook): `/dr run` alone opens a form listing the runbooks. */
  | { verb: 'run'; ref?: number; runbook?: string; params: Record<string, string>; dryRun: boolean; override?: string }
  /** A PIR action item: becomes a GitHub issue. */
  | { verb: 'action'; ref?: number; text: string; owner?: string; due?: string }
  | { verb: 'actions'; ref?: number }
  | { verb: 'pir'; ref?: number; sub: 'retry' }
  /** DR drills: `/dr drill` lists the scenarios, `/dr drill <name>` starts one, `/dr drill end` ends it. */
  | { verb: 'drill'; sub: 'list' }
  | { verb: 'drill'; sub: 'start'; name: string }
  | { verb: 'drill'; sub: 'end'; ref?: number; rpoMs?: number; health?: 'pass' | 'fail'; summary?: string };

export type Verb = Command['verb'];

export const USAGE: Record<Verb, string> = {
  help: '/dr help',
  list: '/dr list',
  declare: '/dr declare <sev1|sev2|sev3|sev4> <title> [--private]   (or /dr declare alone for a form)',
  status: '/dr status [INC-<n>]',
  update: '/dr update [INC-<n>] [investigating|identified|monitoring] [--public] <text>',
  sev: '/dr sev [INC-<n>] <1-4> <reason>',
  assign: '/dr assign [INC-<n>] <@user> <commander|comms|scribe>',
  resolve: '/dr resolve [INC-<n>] <summary>',
  cancel: '/dr cancel [INC-<n>] <reason>   (false alarm: no resolution mail, status page or PIR)',
  reopen: '/dr reopen [INC-<n>] [reason]',
  run: '/dr run [INC-<n>] <runbook> [key=value …] [--dry-run] [--override "<reason>"]   (or /dr run alone for a form)',
  action: '/dr action [INC-<n>] <text> [@owner] [due:YYYY-MM-DD]',
  actions: '/dr actions [INC-<n>]',
  pir: '/dr pir [INC-<n>] retry',
  drill: '/dr drill [<scenario>]   ·   /dr drill end [INC-<n>] [rpo=<duration>] [health=pass|fail] [notes]',
};

export const TITLE_MAX = 150;
export const TEXT_MAX = 3000;

export function helpText(): string {
  return ['drbot commands (inside an incident channel the INC-<n> is optional):', ...Object.values(USAGE).map((u) => `  ${u}`)].join('\n');
}

function usage(verb: Verb, message: string): DomainError {
  return new DomainError('USAGE', message, USAGE[verb]);
}

export function checkTitle(raw: string, verb: Verb = 'declare'): string {
  const title = cleanText(raw);
  if (!title) throw usage(verb, 'The title is empty. Say in a few words what is broken, e.g. `Lagos region unreachable`.');
  if (title.length > TITLE_MAX) {
    throw usage(verb, `The title is ${title.length} characters; keep it to ${TITLE_MAX} or fewer and put the details in \`/dr update\`.`);
  }
  return title;
}

function checkText(verb: Verb, what: string, raw: string, example: string): string {
  const text = cleanText(raw);
  if (!text) throw usage(verb, `The ${what} is empty, e.g. \`${example}\`.`);
  if (text.length > TEXT_MAX) throw usage(verb, `The ${what} is ${text.length} characters; keep it to ${TEXT_MAX} or fewer.`);
  return text;
}

/** `<@U123>`, `<@U123|name>` (Slack) or `@U123` (console) → `U123`. */
export function parseUserMention(token: string): string | undefined {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token) ?? /^@([UW][A-Z0-9]+)$/.exec(token);
  return m?.[1];
}

/** Splits off a leading `INC-<n>` (or `#INC-<n>`). */
function takeRef(words: string[]): number | undefined {
  const m = /^#?INC-(\d{1,9})$/i.exec(words[0] ?? '');
  if (!m) return undefined;
  words.shift();
  return Number(m[1]);
}

function takeFlag(words: string[], flag: string): boolean {
  const at = words.findIndex((w) => w.toLowerCase() === flag);
  if (at < 0) return false;
  words.splice(at, 1);
  return true;
}

/** A flag written as the last word on its own; the same word inside free text is text. */
function takeLastFlag(words: string[], flag: string): boolean {
  if (words.length === 0 || words[words.length - 1].toLowerCase() !== flag) return false;
  words.pop();
  return true;
}

export function parseCommand(input: string): Command {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const verb = (words.shift() ?? 'help').toLowerCase();
  switch (verb) {
    case 'help':
      return { verb: 'help' };
    case 'list':
      return { verb: 'list' };
    case 'declare': {
      // Only as the last word: `/dr declare sev2 leak of --private keys` is a title, not a flag.
      const priv = takeLastFlag(words, '--private');
      if (words.length === 0) return { verb: 'declare', private: priv };
      const severity = parseSeverity(words[0]);
      if (!severity) {
        if (looksLikeSeverity(words[0])) {
          throw usage('declare', `Unknown severity \`${words[0]}\`. Use sev1 (critical), sev2 (major), sev3 (minor) or sev4 (low).`);
        }
        throw usage('declare', 'Start with the severity, e.g. `/dr declare sev1 Lagos region unreachable`.');
      }
      return { verb: 'declare', severity, title: checkTitle(words.slice(1).join(' ')), private: priv };
    }
    case 'status':
      return { verb: 'status', ref: takeRef(words) };
    case 'update': {
      const ref = takeRef(words);
      // `[status] [--public] <text>`: the options lead (in either order) or --public ends the
      // line; a `--public` inside the text is text (it must never publish by accident).
      let status: OpenStatus | undefined;
      let isPublic = false;
      for (;;) {
        const w = words[0]?.toLowerCase() ?? '';
        if (!status && (OPEN_STATUSES as readonly string[]).includes(w)) status = words.shift()!.toLowerCase() as OpenStatus;
        else if (!isPublic && w === '--public') isPublic = !!words.shift();
        else break;
      }
      if (!isPublic) isPublic = takeLastFlag(words, '--public');
      return { verb: 'update', ref, status, public: isPublic, text: checkText('update', 'update text', words.join(' '), '/dr update identified Lagos LB health checks failing') };
    }
    case 'sev': {
      const ref = takeRef(words);
      const raw = words.shift() ?? '';
      const severity = parseSeverity(raw);
      if (!severity) throw usage('sev', raw ? `Unknown severity \`${raw}\`. Use 1, 2, 3 or 4 (sev1 … sev4).` : 'Give the new severity and a reason.');
      return { verb: 'sev', ref, severity, reason: checkText('sev', 'reason', words.join(' '), '/dr sev 1 second region affected') };
    }
    case 'assign': {
      const ref = takeRef(words);
      const user = parseUserMention(words[0] ?? '');
      if (!user) throw usage('assign', 'Mention the person to assign, e.g. `/dr assign @alice commander`.');
      const role = (words[1] ?? '').toLowerCase();
      if (!(ROLES as readonly string[]).includes(role) || words.length > 2) {
        throw usage('assign', `Give one role: ${ROLES.join(', ')}.`);
      }
      return { verb: 'assign', ref, user, role: role as Role };
    }
    case 'resolve': {
      const ref = takeRef(words);
      return { verb: 'resolve', ref, summary: checkText('resolve', 'summary', words.join(' '), '/dr resolve traffic moved to Abuja, Lagos LB replaced') };
    }
    case 'cancel': {
      const ref = takeRef(words);
      return { verb: 'cancel', ref, reason: checkText('cancel', 'reason', words.join(' '), '/dr cancel false alarm, probe misconfigured') };
    }
    case 'reopen': {
      const ref = takeRef(words);
      const reason = cleanText(words.join(' '));
      return { verb: 'reopen', ref, reason: reason || undefined };
    }
    case 'run':
      return parseRun(words);
    case 'action': {
      const ref = takeRef(words);
      let owner: string | undefined;
      let due: string | undefined;
      const rest: string[] = [];
      for (const w of words) {
        const dueMatch = /^due:(.*)$/i.exec(w);
        if (dueMatch) {
          const wrong = calendarDateProblem(dueMatch[1]);
          if (wrong) throw usage('action', `${wrong} Write due:YYYY-MM-DD, e.g. due:2026-12-01.`);
          due = dueMatch[1];
        } else if (!owner && parseUserMention(w)) owner = parseUserMention(w);
        else rest.push(w);
      }
      return { verb: 'action', ref, owner, due, text: checkText('action', 'action text', rest.join(' '), '/dr action add a health check on the Abuja LB @alice due:2026-12-01') };
    }
    case 'actions':
      return { verb: 'actions', ref: takeRef(words) };
    case 'pir': {
      const ref = takeRef(words);
      if ((words[0] ?? '').toLowerCase() !== 'retry' || words.length > 1) throw usage('pir', 'The only PIR command is `/dr pir retry` (open the PIR pull request again after a GitHub failure).');
      return { verb: 'pir', ref, sub: 'retry' };
    }
    case 'drill':
      return parseDrill(words);
    default:
      throw new DomainError('USAGE', `Unknown command \`${verb.slice(0, 40)}\`. Try \`/dr help\`.`, USAGE.help);
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Days in a month of the proleptic Gregorian calendar (month 1-12): Feb 29 only in leap years. */
function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why `YYYY-MM-DD` is not a day of the calendar, in words, or undefined when it is one.
 * (`Date.parse` rolls 2026-02-30 over into March, and the database then refuses it.)
 */
export function calendarDateProblem(text: string): string | undefined {
  const shown = `\`${text.slice(0, 20)}\``;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return `${shown} is not a date.`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year === 0) return `${shown} is not a date: there is no year 0.`;
  if (month < 1 || month > 12) return `${shown} is not a date: there is no month ${month} (months go from 01 to 12).`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${shown} is not a date: ${MONTHS[month - 1]} ${year} has ${days} days.`;
  return undefined;
}

const PARAM_KEY = /^[a-z][a-z0-9_]{0,40}$/;

/** `/dr run [INC-n] <runbook> key=value … [--dry-run] [--override "<reason>"]`. Values are checked against the runbook later. */
function parseRun(words: string[]): Command {
  const ref = takeRef(words);
  const dryRun = takeFlag(words, '--dry-run');
  let override: string | undefined;
  const at = words.findIndex((w) => w.toLowerCase() === '--override');
  if (at >= 0) {
    override = cleanText(words.splice(at).slice(1).join(' ').replace(/^["“](.*)["”]$/, '$1'));
    if (!override) throw usage('run', 'Say why you override the health-check quorum, e.g. `--override "Lagos DC confirmed down by phone"`.');
  }
  if (words.length === 0) return { verb: 'run', ref, params: {}, dryRun, override };
  const runbook = words.shift()!.toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(runbook)) throw usage('run', `\`${runbook.slice(0, 40)}\` is not a runbook name. \`/dr run\` alone lists them.`);
  const params: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq > 0 ? w.slice(0, eq).toLowerCase() : '';
    if (!PARAM_KEY.test(key)) throw usage('run', `Parameters are key=value (got \`${w.slice(0, 40)}\`).`);
    if (key in params) throw usage('run', `The parameter ${key} is given twice.`);
    params[key] = w.slice(eq + 1);
  }
  return { verb: 'run', ref, runbook, params, dryRun, override };
}

/** `/dr drill`, `/dr drill <name>`, `/dr drill end [INC-n] [rpo=<duration>] [health=pass|fail] [notes]`. */
function parseDrill(words: string[]): Command {
  const first = (words.shift() ?? '').toLowerCase();
  if (!first || first === 'list') return { verb: 'drill', sub: 'list' };
  if (first !== 'end') {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(first) || words.length) throw usage('drill', `\`${first.slice(0, 40)}\` is not a drill name. \`/dr drill\` alone lists them.`);
    return { verb: 'drill', sub: 'start', name: first };
  }
  const ref = takeRef(words);
  let rpoMs: number | undefined;
  let health: 'pass' | 'fail' | undefined;
  const rest: string[] = [];
  for (const w of words) {
    const m = /^(rpo|health)=(.*)$/i.exec(w);
    if (!m) rest.push(w);
    else if (m[1].toLowerCase() === 'rpo') {
      rpoMs = parseDuration(m[2]);
      if (rpoMs === undefined) throw usage('drill', `rpo= takes the data loss measured, as a duration like 0s, 90s, 5m (got \`${m[2].slice(0, 20)}\`).`);
    } else {
      const h = m[2].toLowerCase();
      if (h !== 'pass' && h !== 'fail') throw usage('drill', `health= takes pass or fail (got \`${m[2].slice(0, 20)}\`).`);
      health = h;
    }
  }
  const summary = cleanText(rest.join(' '));
  if (summary.length > TEXT_MAX) throw usage('drill', `The notes are ${summary.length} characters; keep them to ${TEXT_MAX} or fewer.`);
  return { verb: 'drill', sub: 'end', ref, rpoMs, health, summary: summary || undefined };
}
