import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './paths.ts';

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A copy of the project's config folder in a temp dir, with edits: `edit('drbot.yml', (d) => …)`
 * changes the parsed YAML. Tests use it for channel ids, second-scale chains, broken files.
 */
export function testConfigDir(edits: Record<string, (doc: Yaml) => Yaml | void> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-config-'));
  for (const part of ['drbot.yml', 'contacts.yml', 'notifications', 'templates', 'commands', 'drills']) {
    if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const doc = existsSync(path) ? (YAML.parse(readFileSync(path, 'utf8')) ?? {}) : {};
    writeFileSync(path, YAML.stringify(edit(doc) ?? doc));
  }
  return dir;
}

/** Channel ids the Slack stand-in is seeded with, and drbot.yml pointing at them. */
export const SLACK_CHANNELS = { announcements: 'C0ANNOUNCE', engineering: 'C0ENGINEER', alerts: 'C0ALERTS00', general: 'C0GENERAL0' };

export function slackConfigDir(edits: Record<string, (doc: Yaml) => Yaml | void> = {}): string {
  const drbot = edits['drbot.yml'];
  return testConfigDir({
    ...edits,
    'drbot.yml': (d) => {
      d.channels = { announcements: SLACK_CHANNELS.announcements, engineering: SLACK_CHANNELS.engineering, alerts: SLACK_CHANNELS.alerts };
      return drbot?.(d) ?? d;
    },
  });
}
