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

/** A button's value as a stored id: digits only, within PostgreSQL's integer (never NaN, never a query error). */
export function buttonId(value: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 2_147_483_647 ? n : undefined;
}

/** A button of ours whose value is not what drbot put there (edited, truncated, forged). */
export function brokenButton(ctx: AppContext, a: ButtonInput, what: string): Reply {
  ctx.log.info({ action: a.action.slice(0, 100), value: a.value.slice(0, 40) }, 'button with a value drbot did not make');
  return { refused: true, message: textMessage([`drbot does not know that button: its value is not ${what}.`]) };
}
