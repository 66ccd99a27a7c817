/**
 * The one router for everything a person does, shared by every transport (Slack over HTTP,
 * Socket Mode, the console): commands, buttons by namespace, forms by callback id, events.
 * No handler error reaches a transport: it is logged once and answered in words.
 */
import { randomUUID } from 'node:crypto';
import { textMessage } from '../core/message.ts';
import type { ButtonInput, CommandInput, FormInput, FormReply, Handlers, Reply } from '../inbound.ts';
import { incidentButton } from './buttons.ts';
import { handleCommand } from './commands.ts';
import type { AppContext } from './context.ts';
import { submitIncidentForm } from './formSubmit.ts';
import { handleChatEvent, pirButton } from './pir/index.ts';
import { unknownButton } from './replies.ts';
import { storeDownMessage } from './storeDown.ts';
import { DeclareJournal, journalledReply, ReadCache } from './declareJournal.ts';
import { isReadOnlyStore, isStoreUnavailable } from '../store/unavailable.ts';
import { approvalButton, runbookFormSubmit, RUN_FORM } from './runbooks/index.ts';
import { drillButton } from './drills/index.ts';

type ButtonHandler = (ctx: AppContext, a: ButtonInput) => Promise<Reply>;
type FormHandler = (ctx: AppContext, f: FormInput) => Promise<FormReply>;

/** Button ids are `<namespace>.<name>`: the namespace picks the handler. */
const BUTTONS: Record<string, ButtonHandler> = {
  incident: incidentButton,
  approval: approvalButton,
  pir: pirButton,
  statuspage: pirButton,
  drill: drillButton,
};

const FORMS: Record<string, FormHandler> = {
  declare: submitIncidentForm,
  'incident.update': submitIncidentForm,
  'incident.sev': submitIncidentForm,
  'incident.resolve': submitIncidentForm,
  [RUN_FORM]: runbookFormSubmit,
};

const NOT_RECORDED: Record<string, string> = {
  command: 'Your command was not recorded and nothing was changed.',
  button: 'Your click was not recorded and nothing was changed.',
  form: 'The form was not recorded and nothing was changed.',
  event: 'The event was not recorded.',
};

export interface OutageAids {
  /** Declares during a store outage are journalled here and replayed when it is back. */
  journal?: DeclareJournal;
  /** Recent `/dr status` and `/dr list` answers, served (labelled) when the store does not answer. */
  reads?: ReadCache;
  /** A standby (read-only replica) answers reads, labelled, and refuses the rest in words. */
  role?: { readonly standby: boolean; label(): string };
}

export function createHandlers(ctx: AppContext, aids: OutageAids = {}): Handlers {
  /** An error no handler turned into a refusal: logged once with an id the person can quote. */
  const standbyRefusal = (what: string): Reply => ({
    refused: true,
    message: textMessage([`This drbot is the ${aids.role!.label()}. ${what} was not recorded: only /dr status and /dr list work here until this region is promoted.`]),
  });
  /** On a standby: reads answered and labelled; help as usual; anything else refused in words. */
  const standbyCommand = async (input: CommandInput): Promise<Reply> => {
    const read = ReadCache.isRead(input.text) || /^\s*(help)?\s*$/i.test(input.text);
    if (!read) return standbyRefusal('Your command');
    try {
      const reply = await handleCommand(ctx, input);
      if (!reply.message || /^\s*(help)?\s*$/i.test(input.text)) return reply;
      const label = `Standby — ${aids.role!.label()}.`;
      return { ...reply, message: { fallback: `${label}\n${reply.message.fallback}`, blocks: [{ type: 'context', lines: [[label]] }, ...reply.message.blocks] } };
    } catch (e) {
      if (isReadOnlyStore(e)) return standbyRefusal('Your command');
      return { refused: true, message: failed(e, 'command', { text: input.text.slice(0, 200), user: input.userId }) };
    }
  };
  const failed = (e: unknown, what: string, detail: Record<string, unknown>) => {
    if (isStoreUnavailable(e)) {
      ctx.metrics.errors.inc({ where: 'store_unavailable' });
      ctx.log.warn({ err: e, ...detail }, `${what}: the store is unavailable; answered in words, nothing recorded`);
      return storeDownMessage(ctx, { recorded: NOT_RECORDED[what] ?? 'Nothing was recorded.' });
    }
    const ref = randomUUID().slice(0, 8);
    ctx.metrics.errors.inc({ where: what });
    ctx.log.error({ err: e, ref, ...detail }, `${what} failed`);
    return textMessage([`Something went wrong on drbot's side (error ${ref}, logged). Check \`/dr status\` before trying again: it shows what was recorded.`]);
  };
  return {
    async command(input) {
      if (aids.role?.standby) return standbyCommand(input);
      try {
        const reply = await handleCommand(ctx, input);
        if (aids.reads && ReadCache.isRead(input.text)) aids.reads.put(input, reply);
        return reply;
      } catch (e) {
        if (isStoreUnavailable(e)) {
          const cached = aids.reads && ReadCache.isRead(input.text) ? aids.reads.get(input) : undefined;
          if (cached) return cached;
          const declare = aids.journal && DeclareJournal.declareOf(input.text);
          if (declare) {
            try {
              aids.journal!.append(input, ctx.clock.now());
              ctx.log.warn({ requestKey: input.requestKey, user: input.userId }, 'store unavailable: declare recorded in the local journal');
              return journalledReply(ctx, declare.title);
            } catch (err) {
              ctx.log.error({ err }, 'could not write the local declare journal');
            }
          }
        }
        return { refused: true, message: failed(e, 'command', { text: input.text.slice(0, 200), user: input.userId }) };
      }
    },
    async button(input) {
      if (aids.role?.standby) return standbyRefusal('Your click');
      const handler = BUTTONS[input.action.split('.')[0]];
      try {
        return handler ? await handler(ctx, input) : unknownButton(ctx, input);
      } catch (e) {
        return { refused: true, message: failed(e, 'button', { action: input.action.slice(0, 100), user: input.userId }) };
      }
    },
    async form(input) {
      if (aids.role?.standby) return standbyRefusal('The form');
      const handler = FORMS[input.callbackId];
      try {
        if (!handler) return { message: textMessage([`drbot does not know the form "${input.callbackId.slice(0, 60)}".`]) };
        return await handler(ctx, input);
      } catch (e) {
        return { message: failed(e, 'form', { form: input.callbackId.slice(0, 100), user: input.userId }) };
      }
    },
    async event(e) {
      try {
        await handleChatEvent(ctx, e);
      } catch (err) {
        failed(err, 'event', { type: e.type, eventId: e.eventId });
      }
    },
  };
}
