import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { compileTemplate, type Template } from '../../templates/engine.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import type { PostTarget } from '../notices.ts';
import { channelFor } from './post.ts';
import { dataFor, fallbackFor, renderChat } from './render.ts';
import type { StepHandler } from './types.ts';

/** `slack`: a communication template posted to a channel. */
export const slackHandler: StepHandler = async (ctx, step, i) => {
  const template = ctx.config.templates.slack.get(String(step.params.template));
  if (!template) throw new Error(`no Slack template "${String(step.params.template)}"`);
  const to = step.params.channel as PostTarget;
  const posted = await ctx.chat.post(channelFor(to, i, ctx.config.settings.channels), renderChat(ctx, template, await dataFor(ctx, i), fallbackFor(i)));
  return { status: 'done', detail: `posted to #${to}`, result: { channel: posted.channel, ts: posted.ts } };
};

const reminderTemplates = new Map<string, Template>();

/** `reminder`: a short text (itself a template) posted to a channel. */
export const reminderHandler: StepHandler = async (ctx, step, i) => {
  const text = String(step.params.text);
  let t = reminderTemplates.get(text);
  if (!t) reminderTemplates.set(text, (t = compileTemplate(`${step.stepId}.text`, text, 'text')));
  const to = step.params.channel as PostTarget;
  await ctx.chat.post(channelFor(to, i, ctx.config.settings.channels), renderChat(ctx, t, await dataFor(ctx, i), fallbackFor(i)));
  return { status: 'done', detail: `reminder posted to #${to}` };
};

/** `check_assigned`: has an engineer taken the incident? If not, say so where people look. */
export const checkAssignedHandler: StepHandler = async (ctx, step, i) => {
  const assigned = (await listTimeline(ctx.db, i.id)).some((e) => e.type === 'assigned');
  if (assigned || i.commander !== i.declaredBy) return { status: 'done', detail: `engineer assigned: ${ctx.name(i.commander)}` };
  const to = step.params.channel as PostTarget;
  const text = textMessage([{ bold: `${incidentRef(i.id)} has no engineer assigned yet` }, ` (${i.title}). Take it with the card's Take command button or \`/dr assign\`.`]);
  await ctx.chat.post(channelFor(to, i, ctx.config.settings.channels), text);
  if (i.channelId && to !== 'incident') await ctx.chat.post(i.channelId, text);
  return { status: 'done', detail: 'no engineer assigned: reminder posted' };
};
