/**
 * Approval rules for recovery runs, pure (VoxGuard DR plan, "AIDD Autonomous Recovery", T2 approval
 * workflow): every named approver group must approve, each by a different person, never the
 * person who asked; a deny stops the run; an expired request cannot be approved.
 */
import { DomainError, type DomainErrorCode } from './errors.ts';
import type { RunStatus } from './runbook.ts';

export interface ApprovalRecord {
  userId: string;
  decision: 'approve' | 'deny';
  /** The group an approval counts for (none for a deny). */
  group: string | null;
  at: Date;
}

/** What the rules need to know about a run. */
export interface ApprovalState {
  id: number;
  runbook: string;
  requestedBy: string;
  status: RunStatus;
  /** Groups that must each approve (empty: nobody needs to). */
  groups: string[];
  expiresAt: Date | null;
  approvals: ApprovalRecord[];
}

/** Contact group → Slack user ids of its members (contacts.yml). */
export type GroupMembers = Record<string, string[]>;

export type ApprovalRefusal = 'SELF_APPROVAL' | 'NOT_APPROVER' | 'EXPIRED' | 'ALREADY_DECIDED' | 'ALREADY_APPROVED';

const REFUSAL_CODE: Record<ApprovalRefusal, DomainErrorCode> = {
  SELF_APPROVAL: 'SELF_APPROVAL',
  NOT_APPROVER: 'NOT_APPROVER',
  EXPIRED: 'EXPIRED',
  ALREADY_DECIDED: 'NO_CHANGE',
  ALREADY_APPROVED: 'NO_CHANGE',
};

/** A click the rules refuse; the person who clicked sees the message (ephemeral). */
export class ApprovalRefused extends DomainError {
  constructor(readonly reason: ApprovalRefusal, message: string) {
    super(REFUSAL_CODE[reason], message);
    this.name = 'ApprovalRefused';
  }
}

/** The groups still waiting for an approval. */
export function pendingGroups(s: ApprovalState): string[] {
  const done = new Set(s.approvals.filter((a) => a.decision === 'approve').map((a) => a.group));
  return s.groups.filter((g) => !done.has(g));
}

/** The named groups `user` belongs to. */
export function groupsOf(user: string, groups: string[], members: GroupMembers): string[] {
  return groups.filter((g) => (members[g] ?? []).includes(user));
}

function checkOpen(s: ApprovalState, now: Date): void {
  if (s.status !== 'awaiting_approval') {
    throw new ApprovalRefused('ALREADY_DECIDED', `Run #${s.id} (${s.runbook}) is no longer waiting for approval: it is ${s.status.replace('_', ' ')}.`);
  }
  if (s.expiresAt && now >= s.expiresAt) {
    throw new ApprovalRefused('EXPIRED', `Run #${s.id} (${s.runbook}) expired without all approvals; request it again with \`/dr run ${s.runbook}\`.`);
  }
}

export interface Approved {
  /** The group this approval counts for. */
  group: string;
  /** Every group has now approved: the run may start. */
  complete: boolean;
  /** Groups still waiting after this approval. */
  pending: string[];
}

/**
 * An Approve click by `user` (the user of the signed Slack payload). The approval counts for
 * the first still-waiting group the user is in, so one person never satisfies two groups.
 */
export function decideApprove(s: ApprovalState, user: string, members: GroupMembers, now: Date): Approved {
  checkOpen(s, now);
  const mine = groupsOf(user, s.groups, members);
  if (!mine.length) {
    throw new ApprovalRefused('NOT_APPROVER', `Only members of ${s.groups.join(', ')} (contacts.yml) can approve run #${s.id} (${s.runbook}); you are not in those groups.`);
  }
  if (user === s.requestedBy) {
    throw new ApprovalRefused('SELF_APPROVAL', `You requested run #${s.id} (${s.runbook}), so you cannot approve it: another member of ${mine.join(', ')} must.`);
  }
  if (s.approvals.some((a) => a.userId === user)) {
    throw new ApprovalRefused('ALREADY_APPROVED', `You have already approved run #${s.id}; it waits for ${pendingGroups(s).join(', ') || 'nobody'}.`);
  }
  const waiting = pendingGroups(s);
  const group = mine.find((g) => waiting.includes(g));
  if (!group) {
    throw new ApprovalRefused('ALREADY_APPROVED', `${mine.join(', ')} already approved run #${s.id}; it waits for ${waiting.join(', ')}.`);
  }
  const pending = waiting.filter((g) => g !== group);
  return { group, complete: pending.length === 0, pending };
}

/** A Deny click: any approver of the run, or the person who asked (withdrawing it). */
export function decideDeny(s: ApprovalState, user: string, members: GroupMembers, now: Date): void {
  checkOpen(s, now);
  if (user !== s.requestedBy && !groupsOf(user, s.groups, members).length) {
    throw new ApprovalRefused('NOT_APPROVER', `Only members of ${s.groups.join(', ')} (contacts.yml) or the requester can deny run #${s.id} (${s.runbook}).`);
  }
}

/**
 * Who may ask to roll a run back: its requester, or a member of one of its approver groups;
 * anyone when the runbook names no approvers.
 */
export function mayRequestRollback(s: Pick<ApprovalState, 'requestedBy' | 'groups' | 'id' | 'runbook'>, user: string, members: GroupMembers): void {
  if (!s.groups.length || user === s.requestedBy || groupsOf(user, s.groups, members).length) return;
  throw new ApprovalRefused('NOT_APPROVER', `Only the requester or members of ${s.groups.join(', ')} can roll back run #${s.id} (${s.runbook}).`);
}
