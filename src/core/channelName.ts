import { compactDate } from './time.ts';

/** Slack channel names: lower case letters, digits, `-` and `_`, at most 80 characters. */
export const CHANNEL_NAME_MAX = 80;

export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'incident';
}

/**
 * The channel name for an incident from the configured pattern (`{date}`, `{slug}`, `{n}`).
 * `attempt` > 0 adds the incident number (then `-2`, `-3` …) so a repeated title still gets a
 * channel of its own.
 */
export function channelName(pattern: string, i: { id: number; title: string; declaredAt: Date }, timeZone: string, attempt = 0): string {
  let name = pattern
    .replaceAll('{date}', compactDate(i.declaredAt, timeZone))
    .replaceAll('{n}', String(i.id))
    .replaceAll('{slug}', slugify(i.title));
  name = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  const suffix = attempt === 0 ? '' : attempt === 1 ? (pattern.includes('{n}') ? '-2' : `-${i.id}`) : `-${i.id}-${attempt}`;
  return name.slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/-+$/, '') + suffix;
}
