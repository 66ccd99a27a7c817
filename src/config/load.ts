import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Chains } from '../core/chain.ts';
import type { Settings, GroupMembers } from '../core/settings.ts';
import { contactsFileSchema, groupSlackMembers, type ContactsFile } from './contactsSchema.ts';
import { ConfigError } from './errors.ts';
import { readYamlFile } from './readYaml.ts';
import { settingsFileSchema, toSettings } from './settingsSchema.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Everything in the config folder, validated. */
export interface Config {
  dir: string;
  settings: Settings;
  contacts: ContactsFile;
  /** Contact group → Slack user ids. */
  groups: GroupMembers;
  /** Notification chain per severity (notifications/sevN.yml). */
  chains: Chains;
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
  if (problems.length || !settingsFile.ok || !contactsFile.ok) throw new ConfigError('CONFIG_INVALID', problems);
  return {
    dir: base,
    settings: toSettings(settingsFile.value),
    contacts: contactsFile.value,
    groups: groupSlackMembers(contactsFile.value),
    chains: { 1: [], 2: [], 3: [], 4: [] },
  };
}
