import { describe, expect, it } from 'vitest';
import { ApprovalRefused, decideApprove, decideDeny, mayRequestRollback, pendingGroups, type ApprovalState } from '../../src/core/approval.ts';

const members = { admin: ['U0TUNDE', 'U0ADA'], cto: ['U0NGOZI'], 'incident-managers': ['U0TUNDE', 'U0NGOZI'], security: ['U0EMEKA'] };
const now = new Date('2026-11-24T09:10:00Z');
const state = (o: Partial<ApprovalState> = {}): ApprovalState => ({
  id: 3, runbook: 'regional-failover', requestedBy: 'U0ADA', status: 'awaiting_approval', groups: ['admin', 'cto'],
  expiresAt: new Date('2026-11-24T09:30:00Z'), approvals: [], ...o,
});
const approved = (userId: string, group: string) => ({ userId, decision: 'approve' as const, group, at: now });

function refusal(fn: () => unknown): ApprovalRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApprovalRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('approval rules (VoxGuard DR plan, AIDD T2: every named group approves, never the requester)', () => {
  it('the requester never approves their own request, even as a member of the group', () => {
    const e = refusal(() => decideApprove(state(), 'U0ADA', members, now));
    expect([e.reason, e.code]).toEqual(['SELF_APPROVAL', 'SELF_APPROVAL']);
    expect(e.message).toBe('You requested run #3 (regional-failover), so you cannot approve it: another member of admin must.');
  });

  it('someone outside the approver groups is refused', () => {
    const e = refusal(() => decideApprove(state(), 'U0EMEKA', members, now));
    expect(e.code).toBe('NOT_APPROVER');
    expect(e.message).toBe('Only members of admin, cto (contacts.yml) can approve run #3 (regional-failover); you are not in those groups.');
  });

  it('a partial approval waits for the other group; the last one completes it', () => {
    expect(decideApprove(state(), 'U0TUNDE', members, now)).toEqual({ group: 'admin', complete: false, pending: ['cto'] });
    expect(decideApprove(state({ approvals: [approved('U0TUNDE', 'admin')] }), 'U0NGOZI', members, now)).toEqual({ group: 'cto', complete: true, pending: [] });
  });

  it('one person counts for one group only, and only once', () => {
    const s = state({ groups: ['admin', 'incident-managers'], requestedBy: 'U0EMEKA', approvals: [approved('U0TUNDE', 'admin')] });
    expect(refusal(() => decideApprove(s, 'U0TUNDE', members, now)).message).toBe('You have already approved run #3; it waits for incident-managers.');
    expect(decideApprove(s, 'U0NGOZI', members, now).group).toBe('incident-managers');
    const adaAfterTunde = refusal(() => decideApprove(state({ requestedBy: 'U0EMEKA', approvals: [approved('U0TUNDE', 'admin')] }), 'U0ADA', members, now));
    expect(adaAfterTunde.message).toBe('admin already approved run #3; it waits for cto.');
  });

  it('an expired or decided request cannot be approved', () => {
    expect(refusal(() => decideApprove(state(), 'U0TUNDE', members, new Date('2026-11-24T09:30:00Z'))).code).toBe('EXPIRED');
    expect(refusal(() => decideApprove(state({ status: 'denied' }), 'U0TUNDE', members, now)).message).toBe('Run #3 (regional-failover) is no longer waiting for approval: it is denied.');
  });

  it('deny: an approver, or the requester withdrawing; nobody else', () => {
    expect(() => decideDeny(state(), 'U0NGOZI', members, now)).not.toThrow();
    expect(() => decideDeny(state(), 'U0ADA', members, now)).not.toThrow();
    expect(refusal(() => decideDeny(state(), 'U0EMEKA', members, now)).code).toBe('NOT_APPROVER');
    expect(refusal(() => decideDeny(state({ status: 'running' }), 'U0NGOZI', members, now)).code).toBe('NO_CHANGE');
  });

  it('roll back: the requester or an approver; anyone when the runbook names no approvers', () => {
    expect(() => mayRequestRollback(state(), 'U0ADA', members)).not.toThrow();
    expect(() => mayRequestRollback(state(), 'U0NGOZI', members)).not.toThrow();
    expect(refusal(() => mayRequestRollback(state(), 'U0EMEKA', members)).code).toBe('NOT_APPROVER');
    expect(() => mayRequestRollback(state({ groups: [] }), 'U0EMEKA', members)).not.toThrow();
  });

  it('pending groups are those without an approval', () => {
    expect(pendingGroups(state({ approvals: [approved('U0NGOZI', 'cto'), { userId: 'U0X', decision: 'deny', group: null, at: now }] }))).toEqual(['admin']);
  });
});
