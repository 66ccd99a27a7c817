import { textMessage } from '../core/message.ts';
import type { AppContext } from './context.ts';
import { runCommandSafely } from './commands.ts';
import { incidentForm } from './forms.ts';
import { approvalButton } from './runbooks/index.ts';
import { pirButton } from './pir/index.ts';
import type { ActionInput, Reply } from './io.ts';

/** Button presses on drbot's messages. The user is the one in the signed payload, never text. */
export async function handleAction(ctx: AppContext, a: ActionInput): Promise<Reply> {
  const id = Number(a.value);
  const cmdInput = { requestKey: a.requestKey, userId: a.userId, channelId: a.channelId ?? '', text: '' };
  if (a.action.startsWith('approval.')) return approvalButton(ctx, a);
  if (a.action.startsWith('pir.') || a.action.startsWith('statuspage.')) return pirButton(ctx, a);
  switch (a.action) {
    case 'incident.update':
    case 'incident.sev':
    case 'incident.resolve': {
      if (!Number.isInteger(id)) return { refused: true, message: textMessage(['That button is broken (no incident id).']) };
      return { form: incidentForm(a.action.slice('incident.'.length) as 'update' | 'sev' | 'resolve', id) };
    }
    case 'incident.take_command':
      return runCommandSafely(ctx, cmdInput, { verb: 'assign', ref: id, user: a.userId, role: 'commander' });
    case 'incident.reopen':
      return runCommandSafely(ctx, cmdInput, { verb: 'reopen', ref: id });
    default:
      ctx.log.warn({ action: a.action }, 'unknown action');
      return { refused: true, message: textMessage([`drbot does not know the button "${a.action.slice(0, 60)}".`]) };
  }
}
