import { USAGE, type Command } from '../../core/commands.ts';
import { textMessage } from '../../core/message.ts';
import { checkParams } from '../../core/runbook.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { getRun } from '../../store/sql/getRun.ts';
import type { AppContext } from '../context.ts';
import type { ButtonInput, CommandInput, FormInput, FormReply, Reply } from '../../inbound.ts';
import { brokenButton, buttonId, refusal, unknownButton } from '../replies.ts';
import { findTarget } from '../target.ts';
import { approve, deny, rollback } from './decide.ts';
import { runbookList, runForm, runFormSubmit, RUN_FORM } from './form.ts';
import { findRunbook, requestRun } from './request.ts';

export { RUN_FORM };

/**
 * `/dr run …`. The runbook's parameters are checked before anything else (before the incident
 * is looked up or Route 53 is read); `/dr run` alone opens a form listing the runbooks.
 */
export async function runbookCommand(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'run' }>): Promise<Reply> {
  if (!cmd.runbook) {
    if (input.triggerId && ctx.config.runbooks.length) return { form: runForm(ctx, input.channelId, cmd.ref) };
    return { message: runbookList(ctx) };
  }
  const rb = findRunbook(ctx, cmd.runbook, USAGE.run);
  checkParams(rb, cmd.params, USAGE.run);
  const incident = await findTarget(ctx.db, cmd.ref, input.channelId, USAGE.run);
  const { reply } = await requestRun(ctx, {
    requestKey: input.requestKey, userId: input.userId, via: 'slack', incident, runbook: rb,
    params: cmd.params, dryRun: cmd.dryRun, override: cmd.override, usage: USAGE.run,
  });
  return reply;
}

/** The `/dr run` form's submission. */
export function runbookFormSubmit(ctx: AppContext, f: FormInput): Promise<FormReply> {
  return runFormSubmit(f, async (input, cmd) => {
    if (cmd.verb !== 'run') return { refused: true, message: textMessage(['Not a run command.']) };
    return runbookCommand(ctx, input, cmd);
  });
}

/** Buttons whose action id starts with `approval.` (Approve, Deny, Roll back). */
export async function approvalButton(ctx: AppContext, a: ButtonInput): Promise<Reply> {
  const id = buttonId(a.value);
  if (id === undefined) return brokenButton(ctx, a, 'a run number');
  try {
    switch (a.action) {
      case 'approval.approve':
        return await approve(ctx, a, id);
      case 'approval.deny':
        return await deny(ctx, a, id);
      case 'approval.rollback':
        return await rollback(ctx, a, id);
      default:
        return unknownButton(ctx, a);
    }
  } catch (e) {
    const reply = refusal(e);
    await auditRefusal(ctx, a, id, reply.message?.fallback ?? '');
    return reply;
  }
}

/** A refused click is part of the audit trail (who tried to approve what, and why not). */
async function auditRefusal(ctx: AppContext, a: ButtonInput, id: number, why: string): Promise<void> {
  // Info, not warn: the person was answered and the timeline keeps it (the console shows warnings).
  ctx.log.info({ run: id, user: a.userId, action: a.action, why }, 'approval click refused');
  const run = await getRun(ctx.db, id);
  if (!run) return;
  await appendTimeline(ctx.db, run.incidentId, [{
    type: 'note', at: ctx.clock.now(), actor: a.userId, text: `Refused ${a.action.slice('approval.'.length)} of run #${id}: ${why.slice(0, 300)}`,
    data: { kind: 'runbook', event: 'click_refused', run: id, action: a.action },
  }]);
}
