/**
 * `/dr run` alone: a form listing the runbooks (a Slack modal, or questions on the console), and
 * its submission, which goes through the same parser and checks as a typed `/dr run`.
 */
import { parseCommand } from '../../core/commands.ts';
import { isDomainError } from '../../core/errors.ts';
import type { Form, FormValues } from '../../core/form.ts';
import { textMessage, type Line, type Message } from '../../core/message.ts';
import type { Runbook } from '../../core/runbook.ts';
import type { AppContext } from '../context.ts';
import type { FormInput, FormReply, Reply } from '../../inbound.ts';

export const RUN_FORM = 'runbook.run';

function paramsHint(rb: Runbook): string {
  return rb.parameters.map((p) => `${p.name}=${p.allowed ? p.allowed.join('|') : p.type === 'integer' ? `${p.min ?? ''}..${p.max ?? ''}` : '…'}${p.default !== undefined ? ` (default ${p.default})` : ''}`).join(' ');
}

export function runForm(ctx: AppContext, channelId: string, ref?: number): Form {
  return {
    callbackId: RUN_FORM,
    title: 'Run a recovery command',
    submitLabel: 'Request',
    privateMetadata: JSON.stringify({ channel: channelId, ref: ref ?? null }),
    fields: [
      { id: 'runbook', label: 'Runbook', kind: 'select', options: ctx.config.runbooks.map((rb) => ({ value: rb.name, label: `${rb.name} (${rb.tier}) — ${rb.description}`.slice(0, 75) })) },
      { id: 'params', label: 'Parameters (key=value …)', kind: 'text', optional: true, placeholder: 'region=abuja' },
      { id: 'dry_run', label: 'Dry run', kind: 'checkbox', optional: true, options: [{ value: 'yes', label: 'Only show what would change' }] },
      { id: 'override', label: 'Override the health-check quorum because…', kind: 'text', optional: true },
    ],
  };
}

/** The runbooks as a message (where no form can be opened). */
export function runbookList(ctx: AppContext): Message {
  if (!ctx.config.runbooks.length) return textMessage(['No runbooks yet: add them to commands/ in the config folder.']);
  const lines: Line[] = [[{ bold: 'Recovery commands' }, ' (`/dr run <runbook> key=value …`, add `--dry-run` to see the change first):']];
  for (const rb of ctx.config.runbooks) {
    const approvers = rb.tier === 'T2' ? `, approved by ${rb.approvers.join(' + ')}` : '';
    lines.push([{ bold: rb.name }, ` (${rb.tier}${approvers}) — ${rb.description}`]);
    if (rb.parameters.length) lines.push(['    ', { code: paramsHint(rb) }]);
  }
  return textMessage(...lines);
}

const one = (v: FormValues[string]): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Form submission → the same command a person would type (`run` may throw a refusal). */
export async function runFormSubmit(
  f: FormInput,
  run: (input: { requestKey: string; userId: string; channelId: string; text: string }, cmd: ReturnType<typeof parseCommand>) => Promise<Reply>,
): Promise<FormReply> {
  let meta: { channel?: string; ref?: number | null } = {};
  try {
    meta = JSON.parse(f.privateMetadata || '{}');
  } catch {
    // A form drbot did not build: treat it as empty.
  }
  const runbook = one(f.values.runbook);
  if (!runbook) return { fieldErrors: { runbook: 'Pick a runbook.' } };
  const dry = Array.isArray(f.values.dry_run) ? f.values.dry_run.includes('yes') : one(f.values.dry_run) === 'yes';
  const override = one(f.values.override).replace(/["“”]/g, '').trim();
  const text = ['run', meta.ref ? `INC-${meta.ref}` : '', runbook, one(f.values.params), dry ? '--dry-run' : '', override ? `--override ${override}` : ''].filter(Boolean).join(' ');
  let cmd;
  try {
    cmd = parseCommand(text);
  } catch (e) {
    if (isDomainError(e)) return { fieldErrors: { params: e.message } };
    throw e;
  }
  try {
    const reply = await run({ requestKey: f.requestKey, userId: f.userId, channelId: String(meta.channel ?? ''), text }, cmd);
    return { message: reply.message };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // Bad parameters keep the form open beside the field; any other refusal closes it with the reason.
    if (e.code === 'USAGE') return { fieldErrors: { params: e.message } };
    return { message: textMessage([e.message]) };
  }
}
