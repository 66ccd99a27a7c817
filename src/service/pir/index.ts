import type { Command } from '../../core/commands.ts';
import { isDomainError } from '../../core/errors.ts';
import type { Incident } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import type { StepPlan } from '../../core/steps.ts';
import { unknownButton } from '../replies.ts';
import type { AppContext } from '../context.ts';
import type { ButtonInput, ChatEvent, CommandInput, Reply } from '../../inbound.ts';
import { PUBLISH_ACTION } from '../steps/statusPage.ts';
import { addActionItem, listActions } from './actionItems.ts';
import { timelineFromChatEvent } from './chatEvents.ts';
import { pirDocStep } from './document.ts';
import { publishButton } from './publish.ts';
import { pirRetry } from './retry.ts';
import { pirTimerSteps } from './timers.ts';

/** `/dr action …`, `/dr actions`, `/dr pir retry`. */
export async function pirCommand(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'action' | 'actions' | 'pir' }>): Promise<Reply> {
  switch (cmd.verb) {
    case 'action':
      return addActionItem(ctx, input, cmd);
    case 'actions':
      return listActions(ctx, input, cmd);
    case 'pir':
      return pirRetry(ctx, input, cmd);
  }
}

/**
 * Steps planted in the resolve transaction: the PIR pull request now, and the VoxGuard plan's PIR
 * timeline on the durable schedule. Drills are left to the drill report.
 */
export function pirPlanOnResolve(i: Incident, now: Date): StepPlan[] {
  if (i.mode !== 'real') return [];
  return [pirDocStep(`pir-doc-v${i.version}`, now), ...pirTimerSteps(i, now)];
}

/** Buttons whose action id starts with `pir.` or `statuspage.`. */
export async function pirButton(ctx: AppContext, a: ButtonInput): Promise<Reply> {
  if (a.action === PUBLISH_ACTION) {
    try {
      return await publishButton(ctx, a);
    } catch (e) {
      // A refusal is an answer to the person who pressed, not an error.
      if (isDomainError(e)) return { refused: true, message: textMessage([e.message]) };
      throw e;
    }
  }
  return unknownButton(ctx, a);
}

/** Slack events in incident channels (pins, reactions) → timeline. */
export async function handleChatEvent(ctx: AppContext, e: ChatEvent): Promise<void> {
  await timelineFromChatEvent(ctx, e);
}
