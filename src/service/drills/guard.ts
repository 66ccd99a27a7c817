/**
 * What a drill may do, enforced where every timed step runs (the scheduler calls this for each
 * step of a drill incident): the status page, Statuspage and the regulator are never contacted
 * (the step is recorded "not sent: drill (would have gone to … at …)"), and everything that
 * leaves drbot says DRILL plainly: each Slack post starts with a DRILL line (and a chain post
 * carries a Received button that confirms its step), each email subject starts with [DRILL],
 * each PagerDuty summary with [DRILL]. The channel name contains "drill".
 */
import { drillChannelName, DRILL_MARK } from '../../core/drill.ts';
import { WITHHELD } from '../../core/drillReport.ts';
import { incidentRef, type Incident } from '../../core/incident.ts';
import type { Block, Message } from '../../core/message.ts';
import { formatTime } from '../../core/time.ts';
import { groupEmails } from '../../config/contactsSchema.ts';
import type { ChatPort, MailerPort, PagerPort, StatusPagePort } from '../../ports.ts';
import type { ClaimedStep } from '../../store/sql/claimDueSteps.ts';
import type { AppContext } from '../context.ts';

export const RECEIVED_ACTION = 'drill.received';

/** Why a step of a drill is not sent, or undefined when it runs (marked DRILL). */
export function drillWithholds(ctx: AppContext, step: Pick<ClaimedStep, 'kind' | 'params' | 'dueAt'>, i: Incident): string | undefined {
  const { settings } = ctx.config;
  const at = formatTime(typeof step.params.plannedAt === 'string' ? new Date(step.params.plannedAt) : step.dueAt, settings.timeZone, settings.timeZoneLabel);
  if (step.kind === 'statuspage') {
    const components = i.services.map((s) => settings.statusPage.components[s]).filter(Boolean);
    return `${WITHHELD} (would have gone to the public status page and Statuspage${components.length ? ` (components ${components.join(', ')})` : ''} at ${at})`;
  }
  if (step.kind === 'email' && (step.params.template === 'regulator' || step.params.when === 'compliance_impact')) {
    const groups = Array.isArray(step.params.to) ? step.params.to.map(String) : [];
    const to = [...new Set(groups.flatMap((g) => groupEmails(ctx.config.contacts, g)))];
    return `${WITHHELD} (would have gone to the regulator${to.length ? `: ${to.join(', ')}` : ` (${groups.join(', ')})`} at ${at})`;
  }
  return undefined;
}

function banner(i: Pick<Incident, 'id'>): Block {
  return { type: 'context', lines: [[{ bold: `${DRILL_MARK} — ${incidentRef(i.id)} is an exercise` }, ': no action on production is needed.']] };
}

/** A message as a drill posts it: the DRILL line first, and a Received button on the chain's posts. */
export function drillMessage(m: Message, i: Pick<Incident, 'id'>, step?: Pick<ClaimedStep, 'stepId' | 'source'>): Message {
  if (m.blocks[0]?.type === 'context' && m.fallback.startsWith(`[${DRILL_MARK}]`)) return m;
  const blocks: Block[] = [banner(i), ...m.blocks];
  if (step?.source === 'chain') blocks.push({ type: 'actions', buttons: [{ action: RECEIVED_ACTION, label: 'Received', value: `${i.id}:${step.stepId}`, style: 'primary' }] });
  return { fallback: `[${DRILL_MARK}] ${m.fallback}`, blocks };
}

function drillChat(chat: ChatPort, i: Incident, step: ClaimedStep): ChatPort {
  return {
    transport: chat.transport,
    createChannel: (name, o) => chat.createChannel(drillChannelName(name), o),
    invite: (c, u) => chat.invite(c, u),
    setTopic: (c, t) => chat.setTopic(c, t.startsWith(DRILL_MARK) ? t : `${DRILL_MARK}: ${t}`),
    post: (c, m) => chat.post(c, drillMessage(m, i, step)),
    update: (c, ts, m) => chat.update(c, ts, drillMessage(m, i)),
    escape: (t) => chat.escape(t),
  };
}

function drillMailer(mailer: MailerPort, i: Incident): MailerPort {
  return {
    send: (m) => mailer.send({
      ...m,
      subject: m.subject.startsWith(`[${DRILL_MARK}]`) ? m.subject : `[${DRILL_MARK}] ${m.subject}`,
      text: `THIS IS A DRILL (${incidentRef(i.id)}): an exercise, no action on production is needed.\n\n${m.text}`,
      html: m.html === undefined ? undefined : `<p><strong>THIS IS A DRILL (${incidentRef(i.id)})</strong>: an exercise, no action on production is needed.</p>\n${m.html}`,
      headers: { ...m.headers, 'X-Drbot-Drill': 'yes' },
    }),
  };
}

function drillPager(pager: PagerPort): PagerPort {
  return {
    trigger: (p) => pager.trigger({ ...p, summary: (p.summary.startsWith(`[${DRILL_MARK}]`) ? p.summary : `[${DRILL_MARK}] ${p.summary}`).slice(0, 1024), customDetails: { ...p.customDetails, drill: true } }),
    acknowledge: (k, r) => pager.acknowledge(k, r),
    resolve: (k, r) => pager.resolve(k, r),
    acknowledgement: (k) => pager.acknowledgement(k),
  };
}

const NEVER: StatusPagePort = {
  createIncident: () => Promise.reject(new Error('a drill never contacts the status page')),
  updateIncident: () => Promise.reject(new Error('a drill never contacts the status page')),
};

/** The context a drill's step runs with. */
export function drillContext(ctx: AppContext, i: Incident, step: ClaimedStep): AppContext {
  return { ...ctx, chat: drillChat(ctx.chat, i, step), mailer: drillMailer(ctx.mailer, i), pager: drillPager(ctx.pager), statusPage: NEVER };
}

/** The scheduler's guard for drill incidents (app.ts hands it to the runner); real incidents pass. */
export const drillStepGuard = {
  withholds: (ctx: AppContext, step: ClaimedStep, i: Incident): string | undefined => (i.mode === 'drill' ? drillWithholds(ctx, step, i) : undefined),
  context: (ctx: AppContext, step: ClaimedStep, i: Incident): AppContext => (i.mode === 'drill' ? drillContext(ctx, i, step) : ctx),
};
