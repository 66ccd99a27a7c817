/**
 * The run's message (posted once, then updated in place), the approval expiry, and telling the
 * approvers: PagerDuty (one page per group, resolved once decided) and email.
 */
import { groupEmails } from '../../config/contactsSchema.ts';
import { incidentRef } from '../../core/incident.ts';
import { plainLine, type Message } from '../../core/message.ts';
import { TransientError } from '../../ports.ts';
import { appendTimeline } from '../../store/sql/appendTimeline.ts';
import { getRun } from '../../store/sql/getRun.ts';
import { plantSteps } from '../../store/sql/plantSteps.ts';
import { listApprovals } from '../../store/sql/listApprovals.ts';
import { setRunMessage } from '../../store/sql/setRunMessage.ts';
import { setRunStatus } from '../../store/sql/setRunStatus.ts';
import type { StoredRun } from '../../store/runRows.ts';
import type { AppContext } from '../context.ts';
import { defineStep } from '../steps/define.ts';
import { runMessage } from './message.ts';
import { pageResolveStep, RUNBOOK_STEPS } from './steps.ts';
import { approvalState, loadView, messageContext, redrawStep, when } from './view.ts';
import { pendingGroups } from '../../core/approval.ts';

async function render(ctx: AppContext, runId: number): Promise<{ run: StoredRun; message: Message } | undefined> {
  const view = await loadView(ctx.db, runId);
  return view && { run: view.run, message: runMessage(view, messageContext(ctx)) };
}

/**
 * `runbook_message`: the first one posts in the incident channel; later ones update that message
 * with the run as it is now. If the run changed while updating, it updates once more, so an
 * older render never stays on screen.
 */
export const runbookMessageKind = defineStep({
  ...RUNBOOK_STEPS.message,
  run: async (ctx, step, incident) => {
    const { runId } = step.params;
    let r = await render(ctx, runId);
    if (!r) return { status: 'failed', detail: `run #${runId} is gone` };
    if (!r.run.messageTs) {
      if (!step.params.first) throw new TransientError('the request message is not posted yet', 1000);
      if (!incident.channelId) throw new TransientError('the incident channel is not open yet', 1000);
      const posted = await ctx.chat.post(incident.channelId, r.message);
      await setRunMessage(ctx.db, runId, posted.channel, posted.ts);
      return { status: 'done', detail: `request posted in the incident channel`, result: { channel: posted.channel, ts: posted.ts } };
    }
    for (let i = 0; i < 3; i++) {
      await ctx.chat.update(r.run.messageChannel!, r.run.messageTs!, r.message);
      const latest = await getRun(ctx.db, runId);
      if (!latest || latest.version === r.run.version) break;
      r = (await render(ctx, runId))!;
    }
    return { status: 'done', detail: `message updated (${r.run.status.replace('_', ' ')})` };
  },
});

/** `runbook_expire`: a T2 request nobody fully approved in time. */
export const runbookExpireKind = defineStep({
  ...RUNBOOK_STEPS.expire,
  run: async (ctx, step) => {
    const { runId } = step.params;
    const now = ctx.clock.now();
    return ctx.db.transaction(async (tx) => {
      const run = await getRun(tx, runId, true);
      if (!run || run.status !== 'awaiting_approval') return { status: 'skipped' as const, detail: `run #${runId} is ${run?.status.replace('_', ' ') ?? 'gone'}` };
      if (run.expiresAt && now < run.expiresAt) throw new TransientError('not expired yet', run.expiresAt.getTime() - now.getTime());
      const waiting = pendingGroups(approvalState(run, await listApprovals(tx, runId)));
      const result = `no approval from ${waiting.join(', ')} by ${when(ctx)(run.expiresAt ?? now)}`;
      await setRunStatus(tx, runId, { from: ['awaiting_approval'], to: 'expired', at: now, result });
      const rb = ctx.config.runbooks.find((x) => x.name === run.runbook);
      await plantSteps(tx, run.incidentId, [...pageResolveStep(run, rb?.notify ?? [], now), await redrawStep(tx, run, now)]);
      await appendTimeline(tx, run.incidentId, [{
        type: 'note', at: now, actor: 'drbot', text: `Run #${runId} ${run.runbook} expired: ${result}. Nothing was run.`,
        data: { kind: 'runbook', event: 'expired', run: runId, runbook: run.runbook, waiting },
      }]);
      return { status: 'done' as const, detail: `expired: ${result}` };
    });
  },
});

const pageKey = (runId: number, group: string) => `drbot-run-${runId}-${group}`;

/** `runbook_page`: pages one approver group (VoxGuard DR plan: "PagerDuty pages Admin on-call"). */
export const runbookPageKind = defineStep({
  ...RUNBOOK_STEPS.page,
  run: async (ctx, step, incident) => {
    const run = await getRun(ctx.db, step.params.runId);
    const { group } = step.params;
    if (!run || run.status !== 'awaiting_approval') return { status: 'skipped', detail: `run is ${run?.status.replace('_', ' ') ?? 'gone'}: no page needed` };
    const key = pageKey(run.id, group);
    await ctx.pager.trigger({
      dedupKey: key,
      summary: `[${incidentRef(incident.id)}] Approval needed from ${group}: run #${run.id} ${run.runbook} (${run.tier})`.slice(0, 1024),
      severity: 'critical',
      source: 'drbot',
      routingKey: ctx.config.contacts.groups[group]?.pagerduty_routing_key,
      customDetails: {
        incident: incidentRef(incident.id), run: run.id, runbook: run.runbook, requested_by: ctx.name(run.requestedBy), params: run.params,
        expires: run.expiresAt ? when(ctx)(run.expiresAt) : null, channel: incident.channelName, approve_in: 'the run message in the incident channel',
      },
    });
    return { status: 'done', detail: `paged ${group} (dedup ${key})`, result: { dedupKey: key, group } };
  },
});

/** `runbook_page_resolve`: the request was decided; the approval pages are resolved. */
export const runbookPageResolveKind = defineStep({
  ...RUNBOOK_STEPS.pageResolve,
  run: async (ctx, step) => {
    const { runId } = step.params;
    const { groups } = step.params;
    for (const g of groups) await ctx.pager.resolve(pageKey(runId, g), ctx.config.contacts.groups[g]?.pagerduty_routing_key);
    return { status: 'done', detail: `resolved the approval pages of ${groups.join(', ')}` };
  },
});

/** `runbook_email`: the request (T2) or the notice (T0/T1) to the approver groups' addresses. */
export const runbookEmailKind = defineStep({
  ...RUNBOOK_STEPS.email,
  run: async (ctx, step, incident) => {
    const r = await render(ctx, step.params.runId);
    if (!r) return { status: 'failed', detail: 'run is gone' };
    const to = [...new Set(r.run.approverGroups.flatMap((g) => groupEmails(ctx.config.contacts, g)))];
    if (!to.length) return { status: 'skipped', detail: `no email addresses in ${r.run.approverGroups.join(', ')} (contacts.yml)` };
    const what = r.run.tier === 'T2' ? 'Approval needed' : 'Recovery command started';
    const text = r.message.blocks.flatMap((b) => ('lines' in b ? b.lines.map(plainLine) : 'fields' in b ? b.fields.map((f) => `${f.label}: ${plainLine(f.value)}`) : 'text' in b ? [b.text] : []));
    const sent = await ctx.mailer.send({
      to,
      subject: `[${incidentRef(incident.id)}] ${what}: run #${r.run.id} ${r.run.runbook} (${r.run.tier})`,
      text: [...text, '', r.run.tier === 'T2' ? 'Approve or deny with the buttons on the run message in the incident channel.' : ''].join('\n'),
      headers: { 'X-Drbot-Incident': incidentRef(incident.id), 'X-Drbot-Run': String(r.run.id) },
    });
    return { status: 'done', detail: `emailed ${to.join(', ')}`, result: { messageId: sent.messageId, to } };
  },
});
