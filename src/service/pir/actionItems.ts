import { USAGE, type Command } from '../../core/commands.ts';
import { incidentRef } from '../../core/incident.ts';
import { textMessage, type Line } from '../../core/message.ts';
import { actionMarker, escapeMarkdown, pirBranch, pirPath, type ActionItem } from '../../core/pir.ts';
import { severityLabel } from '../../core/severity.ts';
import type { StepPlan } from '../../core/steps.ts';
import { NotConfigured } from '../../ports.ts';
import { listSteps } from '../../store/sql/listSteps.ts';
import { insertActionItem } from '../../store/sql/insertActionItem.ts';
import { getActionItem } from '../../store/sql/getActionItem.ts';
import { listActionItems } from '../../store/sql/listActionItems.ts';
import { markActionItemLinked } from '../../store/sql/markActionItemLinked.ts';
import { setActionItemIssue } from '../../store/sql/setActionItemIssue.ts';
import type { AppContext } from '../context.ts';
import type { CommandInput, Reply } from '../../inbound.ts';
import { defineStep } from '../steps/define.ts';
import { z } from 'zod';
import { findTarget } from '../target.ts';
import { pirRef, withRetryHint } from './document.ts';
import { recordForIncident } from './record.ts';
import { labelled } from '../simulation.ts';

export function actionIssueStep(n: number, dueAt: Date, suffix = ''): StepPlan {
  return actionIssueKind.plan({ stepId: `action-issue-${n}${suffix}`, source: 'pir', label: `GitHub issue for action item ${n}`, dueAt, params: { n } });
}

/** `/dr action [INC-n] <text> [@owner] [due:YYYY-MM-DD]`: during or after the incident. */
export async function addActionItem(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'action' }>): Promise<Reply> {
  const now = ctx.clock.now();
  return recordForIncident(ctx, { requestKey: input.requestKey, ref: cmd.ref, channelId: input.channelId, usage: USAGE.action }, async (i, tx) => {
    const n = await insertActionItem(tx, i.id, { text: cmd.text, owner: cmd.owner, due: cmd.due, createdBy: input.userId, at: now });
    const who = cmd.owner ? `, owner ${ctx.name(cmd.owner)}` : '';
    const due = cmd.due ? `, due ${cmd.due}` : '';
    return {
      reply: { message: textMessage([`Action item ${n} recorded for ${incidentRef(i.id)}${who}${due}. Its GitHub issue (label pir) is being opened; `, { code: '/dr actions' }, labelled(ctx.tracker, ' shows them.')]) },
      events: [{ type: 'note', at: now, actor: input.userId, text: `Action item ${n} added: ${cmd.text}${who}${due}`, data: { actionItem: n, owner: cmd.owner ?? null, due: cmd.due ?? null } }],
      plant: [actionIssueStep(n, now)],
    };
  });
}

/** `pir_action_issue`: the action item's GitHub issue, found again by its marker on a repeat. */
export const actionIssueKind = defineStep({
  kind: 'pir_action_issue',
  uses: ['tracker'],
  params: z.object({ n: z.number().int().positive() }),
  run: async (ctx, step, i) => {
    const { n } = step.params;
    const item = await getActionItem(ctx.db, i.id, n);
    if (!item) throw new Error(`action item ${n} of ${incidentRef(i.id)} is not in the store`);
    if (item.issueNumber) return { status: 'skipped', detail: `action item ${n} already has issue #${item.issueNumber}` };
    const ref = incidentRef(i.id);
    const pr = await pirRef(ctx, i.id);
    const { settings } = ctx.config;
    const pirLine = pr?.url
      ? `**PIR:** ${pr.url}`
      : `**PIR:** \`${pirPath(settings.pir.repoPath, i, settings.timeZone)}\` on branch \`${pirBranch(i)}\` (the pull request opens when ${ref} is resolved)`;
    const issue = await withRetryHint(() => ctx.tracker.ensureIssue({
      marker: actionMarker(i.id, n),
      title: `${ref} action ${n}: ${item.text}`.slice(0, 250),
      labels: ['pir'],
      body: [
        `Action item ${n} from the post-incident review of ${ref} (${severityLabel(i.severity)}): ${escapeMarkdown(i.title)}`,
        '',
        `**Action:** ${escapeMarkdown(item.text)}`,
        `**Owner:** ${item.owner ? escapeMarkdown(ctx.name(item.owner)) : 'unassigned'}`,
        `**Due:** ${item.due ?? 'not set'}`,
        pirLine,
        '',
        `Added by ${escapeMarkdown(ctx.name(item.createdBy))} with \`/dr action\`.`,
      ].join('\n'),
    }));
    await setActionItemIssue(ctx.db, i.id, n, issue);
    if (pr?.url) await markActionItemLinked(ctx.db, i.id, n);
    if (i.channelId) await ctx.chat.post(i.channelId, textMessage([`Action item ${n} of ${ref} is `, { link: issue.url, label: `issue #${issue.number}` }, `: ${item.text}`]));
    return { status: 'done', detail: `${issue.created ? 'opened' : 'found'} issue #${issue.number} for action item ${n}`, result: { number: issue.number, url: issue.url } };
  },
});

export interface IssueState {
  state?: 'open' | 'closed';
  /** What to show: `open`, `closed`, `not filed yet`, or why the state is unknown. */
  text: string;
}

/** Each item's issue state, read from GitHub now. Throws NotConfigured when GitHub has no credentials. */
export async function issueStates(ctx: AppContext, items: ActionItem[]): Promise<Map<number, IssueState>> {
  const out = new Map<number, IssueState>();
  for (const a of items) {
    if (!a.issueNumber) {
      out.set(a.n, { text: 'issue not filed yet' });
      continue;
    }
    try {
      const s = await ctx.tracker.issueState(a.issueNumber);
      out.set(a.n, { state: s.state, text: `${s.state}${s.assignees.length ? ` (assigned to ${s.assignees.join(', ')})` : ''}` });
    } catch (e) {
      if (e instanceof NotConfigured) throw e;
      out.set(a.n, { text: `state unknown: ${(e as Error).message.slice(0, 120)}` });
    }
  }
  return out;
}

export function actionLine(ctx: AppContext, a: ActionItem, state: IssueState): Line {
  const owner = a.owner ? ctx.name(a.owner) : 'unassigned';
  const issue: Line = a.issueNumber && a.issueUrl ? [{ link: a.issueUrl, label: `#${a.issueNumber}` }, ' '] : [];
  return [`${a.n}. ${a.text} — ${owner}, due ${a.due ?? 'not set'} — `, ...issue, state.text];
}

/** `/dr actions [INC-n]`: the action items and their issues' state on GitHub. */
export async function listActions(ctx: AppContext, input: CommandInput, cmd: Extract<Command, { verb: 'actions' }>): Promise<Reply> {
  const i = await findTarget(ctx.db, cmd.ref, input.channelId, USAGE.actions);
  const ref = incidentRef(i.id);
  const items = await listActionItems(ctx.db, i.id);
  if (!items.length) return { message: textMessage([`${ref} has no action items. Add one with `, { code: USAGE.action }]) };
  let states: Map<number, IssueState>;
  let note: Line[] = [];
  try {
    states = await issueStates(ctx, items);
  } catch (e) {
    if (!(e instanceof NotConfigured)) throw e;
    states = new Map(items.map((a) => [a.n, { text: 'state unknown' }]));
    note = [[e.message]];
  }
  if (items.some((a) => !a.issueNumber)) note.push(await unfiledHint(ctx, i.id));
  return { message: textMessage([{ bold: `Action items of ${ref}` }], ...items.map((a) => actionLine(ctx, a, states.get(a.n)!)), ...note) };
}

/** Why some items have no issue yet, from their last step, and the way to try again. */
async function unfiledHint(ctx: AppContext, incidentId: number): Promise<Line> {
  const last = (await listSteps(ctx.db, incidentId)).filter((s) => s.kind === actionIssueKind.kind && s.status !== 'done' && s.lastError).at(-1);
  return [{ code: '/dr pir retry' }, ` files the missing issues${last ? ` (the last try said: ${last.lastError})` : ''}.`];
}
