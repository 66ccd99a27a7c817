import { incidentRef } from '../../core/incident.ts';
import { textMessage } from '../../core/message.ts';
import { escapeMarkdown, pirBranch, pirContent, pirPath, type ActionItem } from '../../core/pir.ts';
import { severityLabel } from '../../core/severity.ts';
import type { StepPlan } from '../../core/steps.ts';
import { NotConfigured, TransientError } from '../../ports.ts';
import { listTimeline } from '../../store/sql/listTimeline.ts';
import { listExternalRefs } from '../../store/sql/listExternalRefs.ts';
import { saveExternalRef, type ExternalRef } from '../../store/sql/saveExternalRef.ts';
import { listActionItems } from '../../store/sql/listActionItems.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { markActionItemLinked } from '../../store/sql/markActionItemLinked.ts';
import type { StoredIncident } from '../../store/rows.ts';
import { escapeData, templateData } from '../../templates/data.ts';
import type { AppContext } from '../context.ts';
import { respondersOf } from '../steps/openChannel.ts';
import { defineStep } from '../steps/define.ts';
import { z } from 'zod';

export const PIR_REF = 'pir';

export function pirDocStep(stepId: string, dueAt: Date): StepPlan {
  return pirDocKind.plan({ stepId, source: 'pir', label: 'PIR pull request on GitHub', dueAt, params: {} });
}

/** The incident's PIR pull request, once opened. */
export async function pirRef(ctx: AppContext, incidentId: number): Promise<ExternalRef | undefined> {
  return (await listExternalRefs(ctx.db, incidentId, PIR_REF))[0];
}

/**
 * GitHub errors with the way out in front: the runner's last-try message shows the start of
 * the error, so the person reading the channel learns about `/dr pir retry`.
 */
export async function withRetryHint<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof NotConfigured || !(e instanceof Error)) throw e;
    const text = `\`/dr pir retry\` tries again — ${e.message}`;
    throw e instanceof TransientError ? new TransientError(text, e.retryAfterMs) : new Error(text);
  }
}

/** templates/pir.md.hbs rendered from what drbot recorded about the incident, as it is now. */
export async function renderPir(ctx: AppContext, i: StoredIncident): Promise<{ content: string; items: ActionItem[]; lastTimelineId: number }> {
  const template = ctx.config.templates.pir;
  if (!template) throw new Error('there is no templates/pir.md.hbs in the config folder (restore it from the drbot repository)');
  const { settings } = ctx.config;
  const timeline = await listTimeline(ctx.db, i.id);
  const steps = await listSteps(ctx.db, i.id);
  const items = await listActionItems(ctx.db, i.id);
  const pir = pirContent({ incident: i, timeline, steps, actionItems: items, timeZone: settings.timeZone, timeZoneLabel: settings.timeZoneLabel, name: ctx.name, objectives: settings.objectives });
  const data = templateData(i, { settings, now: ctx.clock.now(), name: ctx.name, responders: respondersOf(ctx, i).map(ctx.name), pir });
  return { content: template.render(escapeData(data, escapeMarkdown)), items, lastTimelineId: timeline.at(-1)?.id ?? 0 };
}

/** Tells each action item's issue where the PIR is (once per item). */
async function linkActionItems(ctx: AppContext, i: StoredIncident, url: string): Promise<void> {
  for (const a of await listActionItems(ctx.db, i.id)) {
    if (!a.issueNumber || a.pirLinked) continue;
    await withRetryHint(() => ctx.tracker.comment(a.issueNumber!, `The post-incident review of ${incidentRef(i.id)} is in ${url}`));
    await markActionItemLinked(ctx.db, i.id, a.n);
  }
}

/**
 * `pir_doc`: opens the PIR pull request. ensurePullRequest finds an earlier attempt by its
 * branch (`pir/inc-<n>`), and the stored ref answers a later run without asking GitHub: a
 * retried step, a second resolution or a second replica all end at the same pull request.
 */
export const pirDocKind = defineStep({
  kind: 'pir_doc',
  readsOutcomes: true,
  params: z.object({}),
  uses: ['tracker'],
  run: async (ctx, _step, i) => {
    const ref = incidentRef(i.id);
    if (i.status !== 'resolved') return { status: 'skipped', detail: `${ref} is ${i.status}: its PIR is opened when it is resolved` };
    const known = await pirRef(ctx, i.id);
    if (known?.url) {
      await linkActionItems(ctx, i, known.url);
      if (i.channelId) await ctx.chat.post(i.channelId, textMessage([`The post-incident review of ${ref} is still `, { link: known.url, label: `pull request #${known.ref}` }, '.']));
      return { status: 'done', detail: `PIR already open: ${known.url}`, result: { number: Number(known.ref), url: known.url } };
    }
    const { settings } = ctx.config;
    const { content, items, lastTimelineId } = await renderPir(ctx, i);
    const path = pirPath(settings.pir.repoPath, i, settings.timeZone);
    const branch = pirBranch(i);
    const filed = items.filter((a) => a.issueNumber).map((a) => `- #${a.issueNumber} ${escapeMarkdown(a.text)}`);
    const pr = await withRetryHint(() => ctx.tracker.ensurePullRequest({
      branch, path, content,
      title: `PIR: ${ref} ${i.title}`.slice(0, 250),
      commitMessage: `PIR draft for ${ref}`,
      body: [
        `Post-incident review of **${ref}** (${severityLabel(i.severity)}): ${escapeMarkdown(i.title)}.`,
        '', `Drafted by drbot from the incident timeline when it was resolved. Fill in the analysis sections, then merge.`,
        ...(filed.length ? ['', 'Action items:', ...filed] : []),
      ].join('\n'),
    }));
    await saveExternalRef(ctx.db, i.id, { kind: PIR_REF, key: 'pull_request', ref: String(pr.number), url: pr.url, data: { branch, path, lastTimelineId, items: items.map((a) => a.n) } }, ctx.clock.now());
    await linkActionItems(ctx, i, pr.url);
    if (i.channelId) {
      await ctx.chat.post(i.channelId, textMessage(
        [{ bold: `Post-incident review of ${ref}` }, ': the draft is ', { link: pr.url, label: `pull request #${pr.number}` }, ` (${path}).`],
        ['Add follow-ups with ', { code: `/dr action ${ref} <text> [@owner] [due:YYYY-MM-DD]` }, '; pin a message or react with ', { code: `:${settings.pir.timelineEmoji}:` }, ' to add it to the timeline.'],
        ...(ctx.tracker.simulated ? [[`${ctx.tracker.simulated}: nothing was sent to GitHub; the link is the file on this machine.`]] : []),
      ));
    }
    return { status: 'done', detail: `${pr.created ? 'opened' : 'found'} PIR pull request #${pr.number}`, result: { number: pr.number, url: pr.url, path } };
  },
});
