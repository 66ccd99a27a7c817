import { TITLE_MAX, cleanText, type Command } from '../core/commands.ts';
import type { FormValues } from '../core/form.ts';
import { OPEN_STATUSES, type OpenStatus } from '../core/incident.ts';
import { parseSeverity } from '../core/severity.ts';
import type { FormInput, FormReply } from '../inbound.ts';
import { runCommandSafely } from './commands.ts';
import type { AppContext } from './context.ts';
import { declareIncident } from './declare.ts';

const one = (v: FormValues[string]): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Form submissions: checked field by field, so the form stays open with the error beside the field. */
export async function submitIncidentForm(ctx: AppContext, f: FormInput): Promise<FormReply> {
  const meta = safeJson(f.privateMetadata);
  if (f.callbackId === 'declare') {
    const severity = parseSeverity(one(f.values.severity));
    const title = cleanText(one(f.values.title));
    const errors: Record<string, string> = {};
    if (!severity) errors.severity = 'Pick a severity.';
    if (!title) errors.title = 'Say in a few words what is broken.';
    else if (title.length > TITLE_MAX) errors.title = `Keep the title to ${TITLE_MAX} characters (it is ${title.length}).`;
    if (Object.keys(errors).length) return { fieldErrors: errors };
    const reply = await declareIncident(ctx, {
      requestKey: f.requestKey, userId: f.userId, title, severity: severity!,
      impact: cleanText(one(f.values.impact)).slice(0, 3000),
      complianceImpact: Array.isArray(f.values.compliance) ? f.values.compliance.includes('yes') : one(f.values.compliance) === 'yes',
      services: one(f.values.services).split(',').map((s) => cleanText(s)).filter(Boolean).slice(0, 20),
      private: meta.private === true,
    });
    return { message: reply.message, declaredIncident: reply.declaredIncident };
  }
  const id = Number(meta.incident);
  if (!Number.isInteger(id)) return { fieldErrors: {} };
  const base = { requestKey: f.requestKey, userId: f.userId, channelId: '', text: '' };
  let cmd: Command;
  let field: string;
  switch (f.callbackId) {
    case 'incident.update': {
      const status = one(f.values.status);
      field = 'text';
      cmd = { verb: 'update', ref: id, public: false, text: cleanText(one(f.values.text)),
        status: (OPEN_STATUSES as readonly string[]).includes(status) ? (status as OpenStatus) : undefined };
      if (!cmd.text) return { fieldErrors: { text: 'Say what changed.' } };
      break;
    }
    case 'incident.sev': {
      const severity = parseSeverity(one(f.values.severity));
      const reason = cleanText(one(f.values.reason));
      field = 'reason';
      if (!severity) return { fieldErrors: { severity: 'Pick a severity.' } };
      if (!reason) return { fieldErrors: { reason: 'Give a reason.' } };
      cmd = { verb: 'sev', ref: id, severity, reason };
      break;
    }
    case 'incident.resolve': {
      field = 'summary';
      cmd = { verb: 'resolve', ref: id, summary: cleanText(one(f.values.summary)) };
      if (!cmd.summary) return { fieldErrors: { summary: 'Say what happened and what fixed it.' } };
      break;
    }
    default:
      return { fieldErrors: {} };
  }
  const reply = await runCommandSafely(ctx, base, cmd);
  return reply.refused ? { fieldErrors: { [field]: reply.message?.fallback.split('\n')[0] ?? 'Not accepted.' } } : { message: reply.message };
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

