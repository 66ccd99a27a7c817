import type { ButtonInput, Reply } from '../inbound.ts';
import { runCommandSafely } from './commands.ts';
import type { AppContext } from './context.ts';
import { incidentForm } from './forms.ts';
import { brokenButton, buttonId, unknownButton } from './replies.ts';

/** The incident card's buttons (`incident.*`). The user is the one in the signed payload, never text. */
export async function incidentButton(ctx: AppContext, a: ButtonInput): Promise<Reply> {
  const id = buttonId(a.value);
  if (id === undefined) return brokenButton(ctx, a, 'an incident number');
  const cmdInput = { requestKey: a.requestKey, userId: a.userId, channelId: a.channelId ?? '', text: '' };
  switch (a.action) {
    case 'incident.update':
    case 'incident.sev':
    case 'incident.resolve':
      return { form: incidentForm(a.action.slice('incident.'.length) as 'update' | 'sev' | 'resolve', id) };
    case 'incident.take_command':
      return runCommandSafely(ctx, cmdInput, { verb: 'assign', ref: id, user: a.userId, role: 'commander' });
    case 'incident.reopen':
      return runCommandSafely(ctx, cmdInput, { verb: 'reopen', ref: id });
    default:
      return unknownButton(ctx, a);
  }
}
