import { join, resolve } from 'node:path';
import type { Chains } from '../core/chain.ts';
import { declare } from '../core/incident.ts';
import { SEVERITIES } from '../core/severity.ts';
import type { Settings, GroupMembers } from '../core/settings.ts';
import { compileTemplate, missingFields, TemplateError } from '../templates/engine.ts';
import { templateData, type TemplateData } from '../templates/data.ts';
import { chainFileSchema, toChainStep } from './chainSchema.ts';
import { contactsFileSchema, groupSlackMembers, type ContactsFile } from './contactsSchema.ts';
import { ConfigError } from './errors.ts';
import { readYamlFile } from './readYaml.ts';
import { settingsFileSchema, toSettings } from './settingsSchema.ts';
import { calendarDateProblem } from '../core/commands.ts';
import { loadTemplates, type Templates } from './templates.ts';
import { loadRunbooks } from './runbooks.ts';
import type { Runbook } from '../core/runbook.ts';
import type { DrillScenario } from '../core/drill.ts';
import type { Template } from '../templates/engine.ts';
import { loadDrillReportTemplate, loadDrills } from './drills.ts';
import { PROJECT_ROOT } from '../shippedFiles.ts';

/** Everything in the config folder, validated. */
export interface Config {
  dir: string;
  settings: Settings;
  contacts: ContactsFile;
  /** Contact group → Slack user ids. */
  groups: GroupMembers;
  /** Notification chain per severity (notifications/sevN.yml). */
  chains: Chains;
  templates: Templates;
  /** Recovery commands (commands/*.yml). */
  runbooks: Runbook[];
  /** DR drill scenarios (drills/*.yml). */
  drills: DrillScenario[];
  /** templates/drill-report.md.hbs (required once there are drills). */
  drillReport?: Template;
}

/** Template data for a made-up incident: every field a template may use is present. */
export function sampleTemplateData(settings: Settings): TemplateData {
  const at = new Date('2026-01-01T00:00:00Z');
  const { incident } = declare({ title: 'Sample', severity: 1, by: 'U0SAMPLE', at, impact: 'sample', services: ['api'] });
  return templateData({ ...incident, id: 1, channelName: 'inc-sample', summary: 'sample', resolvedAt: at }, { settings, now: at, name: (id) => id, responders: ['Sample'], lastUpdate: 'sample', text: 'sample' });
}

/**
 * Loads and checks the config folder. Collects every problem before giving up, so one run
 * of `npm run check-config` shows all of them.
 */
export function loadConfig(dir = PROJECT_ROOT): Config {
  const base = resolve(dir);
  const problems: string[] = [];
  const settingsFile = readYamlFile(join(base, 'drbot.yml'), settingsFileSchema, base);
  const contactsFile = readYamlFile(join(base, 'contacts.yml'), contactsFileSchema, base);
  if (!settingsFile.ok) problems.push(...settingsFile.problems);
  if (!contactsFile.ok) problems.push(...contactsFile.problems);
  if (settingsFile.ok && contactsFile.ok) {
    for (const [key, sev] of Object.entries(settingsFile.value.severities)) {
      sev.responders.forEach((g, i) => {
        if (!contactsFile.value.groups[g]) problems.push(`drbot.yml: severities.${key}.responders[${i}]: unknown contact group "${g}" (expected a key under groups: in contacts.yml)`);
      });
    }
    for (const [what, rules] of Object.entries(settingsFile.value.permissions)) {
      rules.forEach((r, i) => {
        if (r.startsWith('group:') && !contactsFile.value.groups[r.slice(6)]) problems.push(`drbot.yml: permissions.${what}[${i}]: unknown contact group "${r.slice(6)}"`);
      });
    }
  }
  // Without valid settings and contacts the rest cannot be checked against them.
  if (!settingsFile.ok || !contactsFile.ok) throw new ConfigError('CONFIG_INVALID', problems);
  const settings = toSettings(settingsFile.value);
  const sample = sampleTemplateData(settings);
  const templates = loadTemplates(base, sample, problems);
  const chains = loadChains(base, contactsFile.value, templates, sample, problems);
  const runbooks = loadRunbooks(base, contactsFile.value, problems);
  const drills = loadDrills(base, runbooks, settings.objectives, problems);
  const drillReport = loadDrillReportTemplate(base, problems, drills.length > 0);
  (settings.drills?.calendar ?? []).forEach((d, i) => {
    if (!drills.some((x) => x.name === d.scenario)) {
      problems.push(`drbot.yml: drills.calendar[${i}].scenario: no scenario "${d.scenario}" (expected one of ${drills.map((x) => x.name).join(', ') || 'the drills/*.yml names'})`);
    }
    const wrong = calendarDateProblem(d.date);
    if (wrong) problems.push(`drbot.yml: drills.calendar[${i}].date: ${wrong}`);
  });
  if (problems.length) throw new ConfigError('CONFIG_INVALID', problems);
  return { dir: base, settings, contacts: contactsFile.value, groups: groupSlackMembers(contactsFile.value), chains, templates, runbooks, drills, drillReport };
}

/** notifications/sev1.yml … sev4.yml, each checked against the contacts and templates it names. */
function loadChains(base: string, contacts: ContactsFile, templates: Templates, sample: TemplateData, problems: string[]): Chains {
  const chains: Chains = { 1: [], 2: [], 3: [], 4: [] };
  for (const sev of SEVERITIES) {
    const file = `notifications/sev${sev}.yml`;
    const parsed = readYamlFile(join(base, file), chainFileSchema, base);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    parsed.value.steps.forEach((step, i) => {
      const at = `${file}: steps[${i}]`;
      const groups = step.kind === 'page' ? [step.to] : step.kind === 'email' ? step.to : [];
      groups.forEach((g) => {
        if (!contacts.groups[g]) problems.push(`${at}.to: unknown contact group "${g}" (expected a key under groups: in contacts.yml)`);
      });
      if (step.kind === 'slack' && !templates.slack.has(step.template)) problems.push(`${at}.template: no template templates/slack/${step.template}.hbs`);
      if (step.kind === 'email' && !templates.email.has(step.template)) problems.push(`${at}.template: no template templates/email/${step.template}.subject.hbs / .txt.hbs`);
      if (step.kind === 'reminder') {
        try {
          for (const f of missingFields(compileTemplate(`${at}.text`, step.text, 'text'), sample)) problems.push(`${at}.text: uses the field "${f}", which drbot does not provide`);
        } catch (e) {
          if (e instanceof TemplateError) problems.push(`${at}.text: ${e.message}`);
          else throw e;
        }
      }
    });
    chains[sev] = parsed.value.steps.map(toChainStep);
  }
  return chains;
}
