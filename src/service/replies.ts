import { isDomainError } from '../core/errors.ts';
import { textMessage, type Line } from '../core/message.ts';
import type { ButtonInput, Reply } from '../inbound.ts';
import type { AppContext } from './context.ts';

/** A refusal (a domain error) as the answer to the person who asked; anything else is rethrown. */
export function refusal(e: unknown): Reply {
  if (!isDomainError(e)) throw e;
  const lines: Line[] = [[e.message]];
  if (e.usage) lines.push(['Usage: ', { code: e.usage }]);
  return { refused: true, message: textMessage(...lines) };
}

/** A button drbot did not make (or no longer has): said where the person can see it. */
export function unknownButton(ctx: AppContext, a: ButtonInput): Reply {
  ctx.log.info({ action: a.action.slice(0, 100) }, 'unknown button');
  return { refused: true, message: textMessage([`drbot does not know the button "${a.action.slice(0, 60)}".`]) };
}
