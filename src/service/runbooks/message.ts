/**
 * The run's message in the incident channel: what will change, who may approve and until when,
 * who approved or denied, and the result. Posted once and updated in place. Pure.
 */
import type { ApprovalRecord, GroupMembers } from '../../core/approval.ts';
import { pendingGroups } from '../../core/approval.ts';
import { formatDuration } from '../../core/duration.ts';
import { incidentRef } from '../../core/incident.ts';
import type { Block, Button, Inline, Line, Message } from '../../core/message.ts';
import { clip, type RunStatus } from '../../core/runbook.ts';
import type { RunAction, StoredRun } from '../../store/runRows.ts';

export interface RunView {
  run: StoredRun;
  approvals: ApprovalRecord[];
  actions: RunAction[];
  /** The run's rollback, once someone asked for it. */
  rollback?: StoredRun;
  /** A Roll back button is offered (something was changed and can be undone). */
  canRollBack: boolean;
}

export interface MessageContext {
  members: GroupMembers;
  /** Contact group → Slack user group id to mention. */
  slackGroups: Record<string, string | undefined>;
  when: (d: Date) => string;
  now: Date;
  /** A runbook's parameter names in the order its file lists them (stored params lose order). */
  paramOrder: (runbook: string) => string[];
}

const STATUS: Record<RunStatus, string> = {
  awaiting_approval: '⏳ Waiting for approval',
  approved: '▶ Approved — starting',
  running: '▶ Running',
  succeeded: '✓ Succeeded',
  failed: '✗ Failed',
  timed_out: '✗ Timed out',
  denied: '✋ Denied',
  expired: '⌛ Expired without all approvals',
  dry_run: 'Dry run — nothing was changed',
};

const TIER: Record<StoredRun['tier'], string> = {
  T0: 'T0: runs at once',
  T1: 'T1: runs and notifies',
  T2: 'T2: needs approval',
};

function requesterLine(run: StoredRun): Line {
  return run.requestedVia.startsWith('alert:') ? [`Alertmanager alert ${run.requestedVia.slice(6)}`] : [{ user: run.requestedBy }];
}

function title(run: StoredRun): string {
  const what = run.rollbackOf ? `Rollback of run #${run.rollbackOf} (${run.runbook})` : `${run.runbook}`;
  return `Run #${run.id} · ${what} · ${incidentRef(run.incidentId)}`;
}

function statusLine(v: RunView, c: MessageContext): Line {
  const { run } = v;
  const line: Line = [{ bold: STATUS[run.status] }];
  if (run.status === 'awaiting_approval' && run.expiresAt) line.push(` — expires ${c.when(run.expiresAt)}`);
  if (run.status === 'denied') {
    const by = v.approvals.find((a) => a.decision === 'deny');
    if (by) line.push(' by ', { user: by.userId }, ` at ${c.when(by.at)}`);
  }
  if (run.startedAt && run.finishedAt) line.push(` in ${formatDuration(run.finishedAt.getTime() - run.startedAt.getTime())}`);
  if (run.result && run.status !== 'denied') line.push(`: ${clip(run.result, 500)}`);
  return line;
}

function approvalLines(v: RunView, c: MessageContext): Line[] {
  const { run } = v;
  if (!run.approverGroups.length) return [];
  const waiting = pendingGroups({ ...run, id: run.id, groups: run.approverGroups, approvals: v.approvals });
  const lines: Line[] = [[{ bold: run.tier === 'T2' ? 'Approvals (every group, different people):' : 'Told:' }]];
  for (const g of run.approverGroups) {
    const ok = v.approvals.find((a) => a.decision === 'approve' && a.group === g);
    if (run.tier !== 'T2') {
      lines.push([`${g}: `, ...mentions(g, run.requestedBy, c)]);
    } else if (ok) {
      lines.push([`✓ ${g}: `, { user: ok.userId }, ` at ${c.when(ok.at)}`]);
    } else if (waiting.includes(g) && run.status === 'awaiting_approval') {
      lines.push([`○ ${g}: waiting for `, ...mentions(g, run.requestedBy, c)]);
    } else {
      lines.push([`– ${g}: did not approve`]);
    }
  }
  return lines;
}

/** Everyone who may act for a group (the requester left out), and its Slack user group. */
function mentions(group: string, requester: string, c: MessageContext): Inline[] {
  const out: Inline[] = [];
  for (const u of (c.members[group] ?? []).filter((m) => m !== requester)) out.push(...(out.length ? [' '] : []), { user: u });
  const sg = c.slackGroups[group];
  if (sg) out.push(...(out.length ? [' '] : []), { group: sg });
  return out.length ? out : ['(nobody else in this group)'];
}

function progressLines(v: RunView): Line[] {
  const lines: Line[] = [];
  for (const a of v.actions) {
    const mark = a.status === 'done' ? '✓' : a.status === 'failed' || a.status === 'unknown' ? '✗' : '…';
    const took = a.finishedAt ? ` (${formatDuration(a.finishedAt.getTime() - a.startedAt.getTime())})` : '';
    const phase = a.phase === 'steps' ? '' : `${a.phase === 'pre' ? 'precondition' : 'verification'}: `;
    lines.push([`${mark} ${phase}${a.label}${a.attempt > 1 ? ` (try ${a.attempt})` : ''} — ${a.detail ?? a.status}${took}`]);
    if (a.output && a.status !== 'done') lines.push([{ code: clip(a.output, 500) }]);
  }
  if (v.rollback) lines.push(['↩ Rollback requested by ', { user: v.rollback.requestedBy }, `: run #${v.rollback.id} (${v.rollback.status.replace('_', ' ')})`]);
  return lines;
}

function buttons(v: RunView): Button[] {
  const value = String(v.run.id);
  if (v.run.status === 'awaiting_approval') {
    return [
      { action: 'approval.approve', label: 'Approve', value, style: 'primary' },
      { action: 'approval.deny', label: 'Deny', value, style: 'danger' },
    ];
  }
  if (v.canRollBack && !v.rollback) return [{ action: 'approval.rollback', label: 'Roll back', value, style: 'danger' }];
  return [];
}

export function runMessage(v: RunView, c: MessageContext): Message {
  const { run } = v;
  const order = c.paramOrder(run.runbook);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const params = Object.entries(run.params).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([k, val]) => `${k}=${val}`).join(' ');
  const blocks: Block[] = [
    { type: 'header', text: title(run) },
    { type: 'section', lines: [statusLine(v, c)] },
    {
      type: 'fields',
      fields: [
        { label: 'Requested by', value: [...requesterLine(run), ` at ${c.when(run.requestedAt)}`] },
        { label: 'Tier', value: [TIER[run.tier]] },
        ...(params ? [{ label: 'Parameters', value: [{ code: params }] as Line }] : []),
        ...(run.expiresAt && run.tier === 'T2' ? [{ label: 'Expires', value: [c.when(run.expiresAt)] as Line }] : []),
      ],
    },
  ];
  const change: Line[] = [[{ bold: run.dryRun ? 'What it would change:' : 'What will change:' }]];
  run.preview.forEach((p, i) => {
    change.push([`${i + 1}. ${p.label}`]);
    if (p.lines.length) change.push([{ code: p.lines.join('\n') }]);
    if (p.warning) change.push([`⚠ ${p.warning}`]);
  });
  blocks.push({ type: 'section', lines: change });
  if (run.quorum) {
    const q: Line = [{ bold: 'Health-check quorum: ' }, run.quorum.summary];
    blocks.push({ type: 'section', lines: run.overrideReason ? [q, ['Overridden by ', { user: run.requestedBy }, `: ${run.overrideReason}`]] : [q] });
  }
  const approvals = approvalLines(v, c);
  if (approvals.length) blocks.push({ type: 'section', lines: approvals });
  const progress = progressLines(v);
  if (progress.length) blocks.push({ type: 'section', lines: [[{ bold: 'Progress:' }], ...progress] });
  const b = buttons(v);
  if (b.length) blocks.push({ type: 'actions', buttons: b });
  return { fallback: `${title(run)} — ${STATUS[run.status]}`, blocks };
}
