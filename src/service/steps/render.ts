import type { Incident } from '../../core/incident.ts';
import type { Message } from '../../core/message.ts';
import { escapeData, templateData, type TemplateData } from '../../templates/data.ts';
import type { Template } from '../../templates/engine.ts';
import type { AppContext } from '../context.ts';
import { respondersOf } from './openChannel.ts';
import type { StoredIncident } from '../../store/rows.ts';

/**
 * Who will read a message: the incident's own channel and responders, or people outside it
 * (shared channels, email). A private incident's details never reach the second.
 */
export type Audience = 'incident' | 'outside';

/** Template data for an incident as it is now (names from contacts, the latest update). */
export function dataFor(ctx: AppContext, i: StoredIncident, text?: string, audience: Audience = 'incident'): TemplateData {
  const data = templateData(i, {
    settings: ctx.config.settings, now: ctx.clock.now(), name: ctx.name,
    responders: respondersOf(ctx, i).map(ctx.name), lastUpdate: i.lastUpdateNote ?? undefined, text,
  });
  return i.private && audience === 'outside' ? privateView(data) : data;
}

/** What people outside a private incident may know: that it is open, its severity and who leads it. */
export function privateView(d: TemplateData): TemplateData {
  const hidden = 'private: details only in the incident channel';
  return {
    ...d,
    incident: { ...d.incident, title: `Private ${d.incident.severity} incident`, impact: hidden, services: [], channel: '(a private channel)', summary: hidden },
    lastUpdate: '', text: '',
  };
}

/** A Slack message from a template: values escaped for the chat transport, the template's markup kept. */
export function renderChat(ctx: AppContext, t: Template, data: TemplateData, fallback: string): Message {
  const markup = t.render(escapeData(data, (s) => ctx.chat.escape(s))).trim();
  return { fallback, blocks: [{ type: 'section', lines: [[{ markup }]] }] };
}

export function fallbackFor(i: Incident, audience: Audience = 'incident'): string {
  return `INC-${i.id} [SEV-${i.severity}] ${i.private && audience === 'outside' ? 'Private incident' : i.title}`;
}
