import type { Command } from '../../core/commands.ts';
import type { Incident } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import type { AppContext } from '../context.ts';
import type { ActionInput, ChatEvent, CommandInput, Reply } from '../io.ts';
import type { StepHandler } from '../steps/types.ts';

/** `/dr action …`, `/dr actions`, `/dr pir retry`. */
export async function pirCommand(_ctx: AppContext, _input: CommandInput, _cmd: Extract<Command, { verb: 'action' | 'actions' | 'pir' }>): Promise<Reply> {
  return { refused: true, message: textMessage(['Post-incident reviews are not available yet.']) };
}

/** Steps planted when an incident is resolved (the PIR document and its timeline). */
export function pirPlanOnResolve(_i: Incident, _now: Date): StepPlan[] {
  return [];
}

/** Buttons whose action id starts with `pir.` or `statuspage.`. */
export async function pirButton(_ctx: AppContext, _a: ActionInput): Promise<Reply> {
  return { refused: true, message: textMessage(['Not available yet.']) };
}

/** Slack events in incident channels (pins, reactions) → timeline. */
export async function handleChatEvent(_ctx: AppContext, _e: ChatEvent): Promise<void> {}

export const pirStepHandlers: Record<string, StepHandler> = {};
