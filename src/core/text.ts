import { incidentRef, type Incident } from './incident.ts';
import { severityLabel } from './severity.ts';

/**
 * Characters that show nothing but change what a reader sees: bidi embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069; a right-to-left override makes `gpj.exe` read
 * `exe.jpg`), the bidi marks (U+200E, U+200F, U+061C) and the zero-width ones (U+200B–U+200D,
 * U+2060, U+FEFF) that make two titles look the same while they differ.
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** Removes invisible and control characters and folds white space; what is left is what we store. */
export function cleanText(text: string): string {
  return text.replace(INVISIBLE, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Slack markup made inert in text that Slack parses (a channel topic): a zero-width space after
 * every `<` stops `<!channel>`, `<@U…>`, `<#C…>` and masked links `<https://evil.example|click
 * here>` from being read as markup, while the text looks the same. Idempotent.
 */
export function inertMarkup(text: string): string {
  return text.replace(/<(?!\u200B)/g, '<\u200B');
}

/** Slack keeps a topic to 250 characters. */
export const TOPIC_MAX = 250;

/** The incident channel's topic: `INC-12 · SEV-1 · <title>`, the title's markup inert. */
export function channelTopic(i: Pick<Incident, 'id' | 'severity' | 'title'>): string {
  return `${incidentRef(i.id)} · ${severityLabel(i.severity)} · ${inertMarkup(i.title)}`.slice(0, TOPIC_MAX);
}
