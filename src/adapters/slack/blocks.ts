import type { Block, Inline, Line, Message } from '../../core/message.ts';

/**
 * drbot's neutral messages → Slack Block Kit. Every piece of text is escaped here, so text
 * typed by a person (`<!channel>`, `<@U…>`) is shown, never broadcast or turned into a mention.
 * Every reply goes through here: text with nothing to escape (most of it) is returned as it is.
 */
export function escapeMrkdwn(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

export function inlineToMrkdwn(i: Inline): string {
  if (typeof i === 'string') return escapeMrkdwn(i);
  if ('bold' in i) return `*${escapeMrkdwn(i.bold)}*`;
  if ('user' in i) return /^[UW][A-Z0-9]+$/.test(i.user) ? `<@${i.user}>` : escapeMrkdwn(`@${i.user}`);
  if ('group' in i) return /^S[A-Z0-9]+$/.test(i.group) ? `<!subteam^${i.group}>` : escapeMrkdwn(`@${i.group}`);
  if ('channel' in i) return /^[CG][A-Z0-9]+$/.test(i.channel) ? `<#${i.channel}>` : escapeMrkdwn(`#${i.channel}`);
  if ('link' in i) return `<${i.link.replace(/[<>|]/g, '')}|${escapeMrkdwn(i.label).replace(/\|/g, '¦')}>`;
  if ('code' in i) return '```' + escapeMrkdwn(i.code).replace(/```/g, "'''") + '```';
  return i.markup;
}

export const lineToMrkdwn = (l: Line): string => l.map(inlineToMrkdwn).join('');

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * plain_text is not parsed for mentions, but a title is copied into places that are (topics,
 * notifications, other tools): a zero-width space after `<` makes `<!channel>` inert everywhere
 * while it looks the same.
 */
export function inertText(text: string): string {
  return text.replace(/<(?=[!@#])/g, '<\u200B');
}
const mrkdwn = (text: string, max = 3000) => ({ type: 'mrkdwn', text: clip(text, max) || ' ' });

export function toSlackBlocks(blocks: Block[]): Record<string, unknown>[] {
  return blocks.slice(0, 50).map((b) => {
    switch (b.type) {
      case 'header':
        return { type: 'header', text: { type: 'plain_text', text: clip(inertText(b.text), 150), emoji: true } };
      case 'section':
        return { type: 'section', text: mrkdwn(b.lines.map(lineToMrkdwn).join('\n')) };
      case 'fields':
        return { type: 'section', fields: b.fields.slice(0, 10).map((f) => mrkdwn(`*${escapeMrkdwn(f.label)}*\n${lineToMrkdwn(f.value)}`, 2000)) };
      case 'context':
        return { type: 'context', elements: [mrkdwn(b.lines.map(lineToMrkdwn).join('\n'))] };
      case 'actions':
        return {
          type: 'actions',
          elements: b.buttons.slice(0, 25).map((btn) => ({
            type: 'button', action_id: btn.action, value: clip(btn.value, 2000),
            text: { type: 'plain_text', text: clip(inertText(btn.label), 75) || ' ', emoji: true },
            ...(btn.style ? { style: btn.style } : {}),
          })),
        };
      case 'divider':
        return { type: 'divider' };
    }
  });
}

/** chat.postMessage / chat.update arguments for a message. */
export function toSlackMessage(m: Message): { text: string; blocks: Record<string, unknown>[] } {
  return { text: clip(escapeMrkdwn(m.fallback), 3000), blocks: toSlackBlocks(m.blocks) };
}
