import { App, SocketModeReceiver, type AckFn, type RespondArguments, type SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../ports.ts';
import { textMessage } from '../../core/message.ts';
import type { Handlers, Reply } from '../../inbound.ts';
import { toSlackMessage } from './blocks.ts';
import { SlackChat } from './chat.ts';
import { fromSlackState } from './forms.ts';
import { boltLogger } from './logger.ts';
import { SLASH_COMMAND, SlackHttpReceiver } from './receiver.ts';
import { SlackWebApi } from './webApi.ts';


export interface SlackTransportOptions {
  botToken: string;
  apiUrl: string;
  signingSecret?: string;
  appToken?: string;
  handlers: Handlers;
  log: Logger;
  metrics: Metrics;
  /** Slack's own deadline is 3 s; answer "working on it" before then and follow up. */
  ackBudgetMs?: number;
  /** Counts requests being answered (the scheduler yields to them). */
  inFlight?: { enter(): void; leave(): void };
}

/**
 * Slack as a transport: Bolt routes `/dr`, button presses and form submissions to drbot's
 * handlers over HTTP (`POST /slack/events`) or Socket Mode. The user acting is always the one
 * in Slack's signed payload.
 */
export function createSlackTransport(o: SlackTransportOptions) {
  const client = new SlackWebApi(o.botToken, o.apiUrl, { onWarnings: (method, warnings) => o.log.warn({ method, warnings }, 'Slack answered with warnings') });
  const chat = new SlackChat(client);
  const logger = boltLogger(o.log);
  const httpReceiver = o.appToken ? undefined : new SlackHttpReceiver({ signingSecret: o.signingSecret ?? '', log: o.log, metrics: o.metrics, inFlight: o.inFlight, onCommand });
  const receiver = httpReceiver ?? new SocketModeReceiver({
    appToken: o.appToken!, logger, installerOptions: { clientOptions: { slackApiUrl: o.apiUrl } },
  });
  // No conversation store: drbot keeps its own state in PostgreSQL.
  const app = new App({ token: o.botToken, receiver, logger, clientOptions: { slackApiUrl: o.apiUrl }, ignoreSelf: false, convoStore: false });
  const budget = o.ackBudgetMs ?? 2500;

  /** Runs `work` but acks within the budget: late answers go out as an ephemeral message. */
  async function withinBudget(work: Promise<Reply>, ackWith: (r: Reply | undefined) => Promise<void>, followUp: (r: Reply) => Promise<void>) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budget)));
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first !== 'late') return ackWith(first);
    await ackWith({ message: textMessage(['Working on it…']) });
    await followUp(await work);
  }

  const ephemeral = (r: Reply | undefined) => (r?.message ? { response_type: 'ephemeral' as const, ...toSlackMessage(r.message) } : undefined);

  /**
   * `/dr`: reached through Bolt (Socket Mode), or straight from drbot's HTTP receiver, which has
   * already verified the request: there Bolt's listener chain (each listener's matchers, tried in
   * turn) was a fifth of the CPU of answering a `/dr status` (README "Performance").
   */
  async function onCommand(command: SlashCommand, ack: AckFn<string | RespondArguments>): Promise<void> {
    const work = o.handlers.command({
      requestKey: `slack:cmd:${command.trigger_id}`, userId: command.user_id, channelId: command.channel_id, text: command.text ?? '', triggerId: command.trigger_id,
    });
    await withinBudget(work, async (r) => {
      if (r?.form) {
        await ack();
        await chat.openForm(command.trigger_id, r.form);
      } else await ack(ephemeral(r));
    }, async (r) => {
      // Slack's trigger id is only good for 3 s: a form that came too late cannot be opened.
      const late = r.form ? textMessage(['That took too long to open the form. Run the command again.']) : undefined;
      const message = r.message ?? late;
      if (message) await chat.postEphemeral(command.channel_id, command.user_id, message);
    });
  }
  app.command(SLASH_COMMAND, ({ command, ack }) => onCommand(command, ack));

  // Every button goes to the application's router, which knows drbot's buttons (and says so for others).
  app.action(/.*/, async ({ body, action, ack }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const channelId = body.channel?.id;
    if (action.type !== 'button') {
      // drbot's messages carry buttons only: a menu or picker is not one of ours.
      if (channelId) await chat.postEphemeral(channelId, body.user.id, textMessage([`drbot does not know that button ("${String((action as { action_id?: string }).action_id ?? '').slice(0, 60)}").`])).catch((e) => o.log.warn({ err: e }, 'could not answer an unknown action'));
      return;
    }
    const button = action as { action_id: string; value?: string };
    const reply = await o.handlers.button({
      requestKey: `slack:act:${body.trigger_id}:${button.action_id}`, userId: body.user.id, channelId,
      action: button.action_id, value: button.value ?? '', triggerId: body.trigger_id,
    });
    if (reply.form) {
      await chat.openForm(body.trigger_id, reply.form).catch(async (e) => {
        o.log.warn({ err: e, action: button.action_id }, 'could not open the form');
        if (channelId) await chat.postEphemeral(channelId, body.user.id, textMessage(['The form could not be opened (Slack allows 3 s). Press the button again.']));
      });
    } else if (reply.message && channelId) await chat.postEphemeral(channelId, body.user.id, reply.message);
  });

  app.view(/.*/, async ({ body, view, ack }) => {
    const reply = await o.handlers.form({
      requestKey: `slack:view:${view.id}:${view.hash}`, userId: body.user.id, callbackId: view.callback_id,
      values: fromSlackState(view.state.values as never), privateMetadata: view.private_metadata,
    });
    if (reply.fieldErrors && Object.keys(reply.fieldErrors).length) {
      await ack({ response_action: 'errors', errors: reply.fieldErrors });
      return;
    }
    await ack();
    // A modal has no channel: tell the person in a DM from the bot.
    if (reply.message) await chat.post(body.user.id, reply.message).catch((e) => o.log.warn({ err: e }, 'could not DM the form result'));
  });

  // Pins and reactions in incident channels feed the timeline (the PIR work decides what counts).
  app.event('pin_added', async ({ event, body }) => {
    const item = event.item as { message?: { ts?: string; text?: string } } | undefined;
    await o.handlers.event({ type: 'pin_added', eventId: String(body.event_id), channelId: event.channel_id, userId: event.user, ts: item?.message?.ts, text: item?.message?.text });
  });
  app.event('reaction_added', async ({ event, body }) => {
    if (event.item.type !== 'message') return;
    await o.handlers.event({ type: 'reaction_added', eventId: String(body.event_id), channelId: event.item.channel, userId: event.user, ts: event.item.ts, reaction: event.reaction });
  });

  app.error(async (e) => {
    o.metrics.errors.inc({ where: 'bolt' });
    o.log.error({ err: e }, 'Slack handler error');
  });

  return {
    chat,
    httpReceiver,
    async start() {
      if (o.appToken) await (receiver as InstanceType<typeof SocketModeReceiver>).start();
    },
    async stop() {
      if (o.appToken) await (receiver as InstanceType<typeof SocketModeReceiver>).stop();
    },
  };
}
