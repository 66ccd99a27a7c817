import { formatDuration } from '../../core/duration.ts';
import { incidentRef, type Incident } from '../../core/incident.ts';
import { textMessage, type Inline, type Line, type Message } from '../../core/message.ts';
import { PIR_STAGES, pirDurations, pirTimeline, type PirStage } from '../../core/pir.ts';
import { severityLabel } from '../../core/severity.ts';
import type { StepPlan } from '../../core/steps.ts';
import { formatTime } from '../../core/time.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import { listActionItems } from '../../store/sql/listActionItems.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import type { StoredIncident } from '../../store/rows.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from '../steps/define.ts';
import { z } from 'zod';
import { actionLine, issueStates } from './actionItems.ts';
import { pirRef } from './document.ts';

/** The VoxGuard plan's PIR timeline as durable steps, counted from this resolution. */
export function pirTimerSteps(i: Pick<Incident, 'version'>, resolvedAt: Date): StepPlan[] {
  return PIR_STAGES.map((s) => pirTimerKind.plan({
    stepId: `pir-${s.stage}-v${i.version}`, source: 'pir', label: s.label,
    dueAt: new Date(resolvedAt.getTime() + s.afterMs), params: { stage: s.stage, resolvedAt: resolvedAt.toISOString() },
  }));
}

/**
 * `pir_timer`: one stage of the PIR timeline, posted in the incident channel. A stage planted
 * for a resolution that no longer holds (reopened, or resolved again later) is skipped.
 */
export const pirTimerKind = defineStep({
  kind: 'pir_timer',
  readsOutcomes: true,
  params: z.object({ stage: z.enum(PIR_STAGES.map((s) => s.stage) as [PirStage, ...PirStage[]]), resolvedAt: z.iso.datetime() }),
  run: async (ctx, step, i) => {
    const { stage } = step.params;
    if (i.status !== 'resolved' || i.resolvedAt?.toISOString() !== step.params.resolvedAt) {
      return { status: 'skipped', detail: `${incidentRef(i.id)} is ${i.status === 'resolved' ? 'resolved again since' : i.status}: this PIR timer no longer applies` };
    }
    if (!i.channelId) return { status: 'skipped', detail: 'the incident has no channel' };
    const post = (m: Message) => ctx.chat.post(i.channelId!, m);
    const ref = incidentRef(i.id);
    const pr = await pirRef(ctx, i.id);
    const link: Inline[] = pr?.url ? [{ link: pr.url, label: `PIR pull request #${pr.ref}` }] : ['no PIR pull request yet (', { code: `/dr pir retry ${ref}` }, ' opens it)'];
    const owner: Inline = { user: i.commander };
    switch (stage) {
      case 'summary': {
        const summary = await summaryMessage(ctx, i, link);
        await post(summary);
        if (!i.private) await ctx.chat.post(ctx.config.settings.channels.announcements, summary); // a private incident stays in its channel
        return { status: 'done', detail: 'incident summary posted' };
      }
      case 'timeline':
        await post(textMessage([owner, ` timeline reconstruction for ${ref} starts now: check the timeline in the `, ...link, ' and add what is missing. Pin a message here or react with ', { code: `:${ctx.config.settings.pir.timelineEmoji}:` }, ' to add it to drbot\'s timeline.']));
        return { status: 'done', detail: 'timeline reconstruction reminder posted' };
      case 'draft': {
        const added = await addedSinceDraft(ctx, i, Number(pr?.data.lastTimelineId ?? 0));
        const lines: Line[] = [[owner, ` the PIR document of ${ref} is due now: `, ...link, '.']];
        if (pr && added.length) lines.push([{ bold: 'Added to the timeline since the draft was opened' }, ' (copy them into the PIR):'], ...added.map((r): Line => [r]));
        await post(textMessage(...lines));
        return { status: 'done', detail: `PIR draft reminder posted${added.length ? ` with ${added.length} new timeline entries` : ''}` };
      }
      case 'schedule':
        await post(textMessage([owner, ` schedule the PIR meeting for ${ref} now; it should take place by day 5 after the resolution. `, ...link]));
        return { status: 'done', detail: 'PIR meeting scheduling reminder posted' };
      case 'meeting':
        await post(textMessage([owner, ` the PIR meeting for ${ref} is due today. Blameless: systems and processes, not individuals. `, ...link]));
        return { status: 'done', detail: 'PIR meeting reminder posted' };
      case 'assign':
        return assignCheck(ctx, i, post);
      case 'review':
        return completionReview(ctx, i, post);
    }
  },
});

async function summaryMessage(ctx: AppContext, i: StoredIncident, link: Inline[]): Promise<Message> {
  const { settings } = ctx.config;
  const d = pirDurations(i, await listTimeline(ctx.db, i.id), await listSteps(ctx.db, i.id));
  const dur = (ms: number | undefined) => (ms === undefined ? 'not recorded' : formatDuration(ms));
  const when = (at: Date) => formatTime(at, settings.timeZone, settings.timeZoneLabel);
  return textMessage(
    [{ bold: `${incidentRef(i.id)} incident summary` }, ` — ${severityLabel(i.severity)} ${settings.severities[i.severity].name}: ${i.title}`],
    [`${when(i.declaredAt)} – ${when(i.resolvedAt!)} (${dur(d.resolveMs)}). Time to acknowledge ${dur(d.acknowledgeMs)}, to mitigate ${dur(d.mitigateMs ?? d.resolveMs)}, to resolve ${dur(d.resolveMs)}.`],
    [`Impact: ${i.impact || 'not stated'}. Resolution: ${i.summary ?? ''}`],
    ['Post-incident review: ', ...link],
  );
}

/** Timeline rows recorded after the PIR draft was rendered (pins, late notes), as the PIR shows them. */
async function addedSinceDraft(ctx: AppContext, i: StoredIncident, lastId: number): Promise<string[]> {
  const { settings } = ctx.config;
  const timeline = (await listTimeline(ctx.db, i.id)).filter((e) => e.id > lastId && e.type !== 'step');
  return pirTimeline(timeline, [], ctx.name).map((r) => `${formatTime(r.at, settings.timeZone, settings.timeZoneLabel)} — ${r.event}`);
}

type Post = (m: Message) => Promise<unknown>;

async function assignCheck(ctx: AppContext, i: StoredIncident, post: Post) {
  const ref = incidentRef(i.id);
  const items = await listActionItems(ctx.db, i.id);
  const loose = items.filter((a) => !a.owner || !a.due || !a.issueNumber);
  if (!items.length) {
    await post(textMessage([{ user: i.commander }, ` ${ref} has no action items recorded. If the PIR found follow-ups, add them with `, { code: `/dr action ${ref} <text> @owner due:YYYY-MM-DD` }, '.']));
    return { status: 'done' as const, detail: 'no action items recorded' };
  }
  if (!loose.length) {
    await post(textMessage([`All ${items.length} action items of ${ref} have an owner, a due date and an issue.`]));
    return { status: 'done' as const, detail: 'every action item assigned' };
  }
  const states = new Map(loose.map((a) => [a.n, { text: [!a.owner && 'no owner', !a.due && 'no due date', !a.issueNumber && 'no issue'].filter(Boolean).join(', ') }]));
  await post(textMessage([{ user: i.commander }, ` action items of ${ref} should be assigned by now; ${loose.length} of ${items.length} are not:`], ...loose.map((a) => actionLine(ctx, a, states.get(a.n)!))));
  return { status: 'done' as const, detail: `${loose.length} action item(s) not fully assigned` };
}

/** T+30d: reads each issue's state on GitHub and reports the open ones. */
async function completionReview(ctx: AppContext, i: StoredIncident, post: Post) {
  const ref = incidentRef(i.id);
  const items = await listActionItems(ctx.db, i.id);
  const states = await issueStates(ctx, items);
  // Not filed, closed or unknown: only a closed issue counts as done.
  const open = items.filter((a) => states.get(a.n)?.state !== 'closed');
  if (!open.length) {
    await post(textMessage([`Action items completion review of ${ref}: ${items.length ? `all ${items.length} closed` : 'there were none'}.`]));
    return { status: 'done' as const, detail: `all ${items.length} action item(s) closed`, result: { open: [] } };
  }
  await post(textMessage(
    [{ user: i.commander }, ` action items completion review of ${ref}: `, { bold: `${open.length} of ${items.length} still open` }],
    ...open.map((a) => actionLine(ctx, a, states.get(a.n)!)),
  ));
  return { status: 'done' as const, detail: `${open.length} of ${items.length} action item(s) still open`, result: { open: open.map((a) => a.n) } };
}
