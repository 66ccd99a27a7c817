import { z } from 'zod';
import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { severityLabel } from '../../core/severity.ts';
import { compileTemplate, type Template } from '../../templates/engine.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import { defineStep } from './define.ts';
import { channelFor, postTarget, readyPost } from './post.ts';
import { dataFor, fallbackFor, renderChat } from './render.ts';

/** `slack`: a communication template posted to a channel. */
export const slackKind = defineStep({
  kind: 'slack',
  params: z.object({ channel: postTarget, template: z.string() }),
  // Often one of many due together (a chain step of every open SEV-1): rendered before it falls due.
  prepare: (ctx, step, i) => {
    const { channel: to, template: name } = step.params;
    const template = ctx.config.templates.slack.get(name);
    if (!template) throw new Error(`no Slack template "${name}"`);
    const audience = to === 'incident' ? 'incident' : 'outside';
    const message = renderChat(ctx, template, dataFor(ctx, i, undefined, audience), fallbackFor(i, audience));
    const send = readyPost(ctx.chat, channelFor(to, i, ctx.config.settings.channels), message);
    return async () => {
      const posted = await send();
      return { status: 'done', detail: `posted to #${to}`, result: { channel: posted.channel, ts: posted.ts } };
    };
  },
});

const reminderTemplates = new Map<string, Template>();

/** `reminder`: a short text (itself a template) posted to a channel. */
export const reminderKind = defineStep({
  kind: 'reminder',
  params: z.object({ channel: postTarget, text: z.string() }),
  run: async (ctx, step, i) => {
    const { channel: to, text } = step.params;
    let t = reminderTemplates.get(text);
    if (!t) reminderTemplates.set(text, (t = compileTemplate(`${step.stepId}.text`, text, 'text')));
    const audience = to === 'incident' ? 'incident' : 'outside';
    await ctx.chat.post(channelFor(to, i, ctx.config.settings.channels), renderChat(ctx, t, dataFor(ctx, i, undefined, audience), fallbackFor(i, audience)));
    return { status: 'done', detail: `reminder posted to #${to}` };
  },
});

/** `check_assigned`: has an engineer taken the incident? If not, say so where people look. */
export const checkAssignedKind = defineStep({
  kind: 'check_assigned',
  params: z.object({ channel: postTarget }),
  run: async (ctx, step, i) => {
    const assigned = (await listTimeline(ctx.db, i.id)).some((e) => e.type === 'assigned');
    if (assigned || i.commander !== i.declaredBy) return { status: 'done', detail: `engineer assigned: ${ctx.name(i.commander)}` };
    const to = step.params.channel;
    const text = (title: string) => textMessage([{ bold: `${incidentRef(i.id)} has no engineer assigned yet` }, ` (${title}). Take it with the card's Take command button or \`/dr assign\`.`]);
    const outside = i.private ? `a private ${severityLabel(i.severity)} incident led by ${ctx.name(i.commander)}` : i.title;
    await ctx.chat.post(channelFor(to, i, ctx.config.settings.channels), text(to === 'incident' ? i.title : outside));
    if (i.channelId && to !== 'incident') await ctx.chat.post(i.channelId, text(i.title));
    return { status: 'done', detail: 'no engineer assigned: reminder posted' };
  },
});
