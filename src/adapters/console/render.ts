import type { Button, Inline, Line, Message } from '../../core/message.ts';

/** Renders drbot's neutral messages as terminal text; buttons get numbers to type. */
export function renderInline(i: Inline, names: (id: string) => string): string {
  if (typeof i === 'string') return i;
  if ('bold' in i) return i.bold;
  if ('user' in i) return `@${names(i.user)}`;
  if ('group' in i) return `@${i.group}`;
  if ('channel' in i) return `#${names(i.channel)}`;
  if ('link' in i) return `${i.label} <${i.link}>`;
  if ('code' in i) return i.code;
  return i.markup;
}

export function renderLine(line: Line, names: (id: string) => string): string {
  return line.map((i) => renderInline(i, names)).join('');
}

export function renderMessage(m: Message, names: (id: string) => string, number: (b: Button) => number): string {
  const out: string[] = [];
  for (const b of m.blocks) {
    switch (b.type) {
      case 'header':
        out.push(`== ${b.text} ==`);
        break;
      case 'section':
      case 'context':
        out.push(...b.lines.map((l) => renderLine(l, names)));
        break;
      case 'fields':
        out.push(...b.fields.map((f) => `${f.label}: ${renderLine(f.value, names)}`));
        break;
      case 'actions':
        out.push(b.buttons.map((btn) => `[${number(btn)}] ${btn.label}`).join('  '));
        break;
      case 'divider':
        out.push('---');
        break;
    }
  }
  return out.join('\n');
}
