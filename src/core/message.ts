/**
 * A chat message as drbot means it, before any transport renders it.
 * Plain strings are *text*: every adapter escapes them (so `<!channel>` typed in a title is
 * shown, never broadcast). Formatting and mentions are structure, never markup inside text.
 */
export type Inline =
  | string
  | { bold: string }
  | { user: string }
  | { group: string }
  | { channel: string }
  | { link: string; label: string }
  | { code: string }
  /** Output of a template rendered with the adapter's own escaping: trusted markup. */
  | { markup: string };

export type Line = Inline[];

export interface Button {
  /** Stable action id, e.g. `incident.resolve`; the value carries the target. */
  action: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'section'; lines: Line[] }
  | { type: 'fields'; fields: { label: string; value: Line }[] }
  | { type: 'context'; lines: Line[] }
  | { type: 'actions'; buttons: Button[] }
  | { type: 'divider' };

export interface Message {
  /** One-line plain fallback (notifications, screen readers). */
  fallback: string;
  blocks: Block[];
}

export function textMessage(...lines: Line[]): Message {
  return { fallback: lines.map(plainLine).join('\n'), blocks: [{ type: 'section', lines }] };
}

export function plainInline(i: Inline): string {
  if (typeof i === 'string') return i;
  if ('bold' in i) return i.bold;
  if ('user' in i) return `@${i.user}`;
  if ('group' in i) return `@${i.group}`;
  if ('channel' in i) return `#${i.channel}`;
  if ('link' in i) return `${i.label} (${i.link})`;
  if ('code' in i) return i.code;
  return i.markup;
}

export function plainLine(line: Line): string {
  return line.map(plainInline).join('');
}
