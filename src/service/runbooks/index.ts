import type { Command } from '../../core/commands.ts';
import { textMessage } from '../../core/message.ts';
import type { AppContext } from '../context.ts';
import type { ActionInput, CommandInput, Reply } from '../io.ts';
import type { StepHandler } from '../steps/types.ts';

/** `/dr run …`. */
export async function runbookCommand(_ctx: AppContext, _input: CommandInput, _cmd: Extract<Command, { verb: 'run' }>): Promise<Reply> {
  return { refused: true, message: textMessage(['Recovery commands are not available yet.']) };
}

/** Buttons whose action id starts with `approval.` (Approve, Deny, Roll back). */
export async function approvalButton(_ctx: AppContext, _a: ActionInput): Promise<Reply> {
  return { refused: true, message: textMessage(['Recovery commands are not available yet.']) };
}

/** Step kinds of recovery runs (expiry, execution, verification …). */
export const runbookStepHandlers: Record<string, StepHandler> = {};
