import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunPlan } from '../../src/core/runbook.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { getRollbackOf } from '../../src/store/sql/getRollbackOf.ts';
import { getRun } from '../../src/store/sql/getRun.ts';
import { declaredIncident } from '../helpers/declared.ts';
import { insertRun } from '../../src/store/sql/insertRun.ts';
import { listRuns } from '../../src/store/sql/listRuns.ts';
import { runHistory } from '../../src/store/sql/runHistory.ts';
import { lockRunbook } from '../../src/store/sql/lockRunbook.ts';
import { firingAlertsOf } from '../../src/store/sql/firingAlertsOf.ts';
import { openIncidentOfGroup } from '../../src/store/sql/openIncidentOfGroup.ts';
import { recordAlert } from '../../src/store/sql/recordAlert.ts';
import { setAlertIncident } from '../../src/store/sql/setAlertIncident.ts';
import { listApprovals } from '../../src/store/sql/listApprovals.ts';
import { recordApproval } from '../../src/store/sql/recordApproval.ts';
import { finishRunAction } from '../../src/store/sql/finishRunAction.ts';
import { listRunActions } from '../../src/store/sql/listRunActions.ts';
import { setRunActionSubmitted } from '../../src/store/sql/setRunActionSubmitted.ts';
import { startRunAction } from '../../src/store/sql/startRunAction.ts';
import type { NewRun } from '../../src/store/runRows.ts';
import { bumpRunVersion } from '../../src/store/sql/bumpRunVersion.ts';
import { setRunStatus } from '../../src/store/sql/setRunStatus.ts';
import { setRunMessage } from '../../src/store/sql/setRunMessage.ts';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';

const t0 = new Date('2026-11-24T09:00:00Z');
const plan: RunPlan = { pre: [], steps: [{ kind: 'exec', label: 'x', argv: ['true'], timeoutMs: 1000, expect: 'success', attempts: 1, intervalMs: 0 }], verify: [], undo: [] };

describe.each(ENGINES)('recovery runs in the store on %s', (engine) => {
  let db: TestDb;
  let incidentId: number;
  beforeEach(async () => {
    db = await openTestDb(engine, 'runs');
    incidentId = (await declaredIncident(db, { title: 'Lagos down', severity: 1, by: 'U0A', at: t0 })).id;
  });
  afterEach(async () => {
    await db.close();
  });

  const newRun = (o: Partial<NewRun> = {}): NewRun => ({
    incidentId, runbook: 'dns-failover', tier: 'T2', rollbackOf: null, params: { region: 'abuja', to: 'abuja-secondary' }, plan, preview: [{ label: 'x', lines: ['now: a'] }],
    dryRun: false, quorum: null, overrideReason: null, approverGroups: ['admin', 'cto'], requestedBy: 'U0ADA', requestedVia: 'slack',
    requestedAt: t0, expiresAt: new Date(t0.getTime() + 1_800_000), status: 'awaiting_approval', ...o,
  });

  it('stores a run with its plan, and moves its status only from the states given', async () => {
    const run = (await insertRun(db, newRun()))!;
    expect(await getRun(db, run.id)).toMatchObject({ runbook: 'dns-failover', plan, params: { region: 'abuja', to: 'abuja-secondary' }, approverGroups: ['admin', 'cto'], expiresAt: new Date(t0.getTime() + 1_800_000), version: 1 });
    expect(await setRunStatus(db, run.id, { from: ['approved'], to: 'running', at: t0 })).toBe(false);
    expect(await setRunStatus(db, run.id, { from: ['awaiting_approval'], to: 'approved', at: t0 })).toBe(true);
    expect(await setRunStatus(db, run.id, { from: ['approved'], to: 'running', at: t0 })).toBe(true);
    expect(await setRunStatus(db, run.id, { from: ['running'], to: 'succeeded', at: new Date(t0.getTime() + 5000), result: 'done' })).toBe(true);
    expect(await bumpRunVersion(db, run.id)).toBe(5);
    expect(await getRun(db, run.id)).toMatchObject({ status: 'succeeded', startedAt: t0, finishedAt: new Date(t0.getTime() + 5000), result: 'done' });
    await setRunMessage(db, run.id, 'C0INC', '1.1');
    await setRunMessage(db, run.id, 'C0INC', '2.2'); // the first post wins
    expect((await getRun(db, run.id))!.messageTs).toBe('1.1');
    expect((await runHistory(db, 'dns-failover')).map((r) => [r.id, r.status])).toEqual([[run.id, 'succeeded']]);
  });

  it('one decision per person and one approval per group; one rollback per run', async () => {
    const run = (await insertRun(db, newRun()))!;
    const base = { runId: run.id, at: t0, requestKey: 'k' };
    expect(await recordApproval(db, { ...base, userId: 'U0TUNDE', decision: 'approve', group: 'admin' })).toBe(true);
    expect(await recordApproval(db, { ...base, userId: 'U0TUNDE', decision: 'approve', group: 'cto' })).toBe(false); // same person again
    expect(await recordApproval(db, { ...base, userId: 'U0OTHER', decision: 'approve', group: 'admin' })).toBe(false); // admin already approved
    expect(await recordApproval(db, { ...base, userId: 'U0NGOZI', decision: 'deny', group: null })).toBe(true);
    expect((await listApprovals(db, run.id)).map((a) => [a.userId, a.decision, a.group])).toEqual([['U0NGOZI', 'deny', null], ['U0TUNDE', 'approve', 'admin']]);
    const rollback = await insertRun(db, newRun({ rollbackOf: run.id }));
    expect(rollback).toBeDefined();
    expect(await insertRun(db, newRun({ rollbackOf: run.id }))).toBeUndefined();
    expect((await getRollbackOf(db, run.id))!.id).toBe(rollback!.id);
    expect((await runHistory(db, 'dns-failover')).map((r) => r.id)).toEqual([run.id]); // rollbacks do not count
    expect((await listRuns(db, incidentId)).length).toBe(2);
  });

  it('an action is started once: a second start gets the row the first one wrote', async () => {
    const run = (await insertRun(db, newRun({ status: 'running' })))!;
    const k = { runId: run.id, phase: 'steps', idx: 0, attempt: 1 };
    const snapshot = [{ name: 'app.voxguard.ng', type: 'A', setIdentifier: 'lagos-primary', failover: 'PRIMARY' }];
    expect(await startRunAction(db, { ...k, kind: 'route53', label: 'swap', at: t0, snapshot, changes: { changes: [], after: [] } })).toEqual({ started: true });
    const again = await startRunAction(db, { ...k, kind: 'route53', label: 'swap', at: t0 });
    expect(again).toMatchObject({ started: false, earlier: { status: 'started', snapshot } });
    await setRunActionSubmitted(db, k, 'C123');
    await finishRunAction(db, { ...k, status: 'done', at: t0, detail: 'INSYNC', output: 'ok' });
    expect(await listRunActions(db, run.id)).toMatchObject([{ status: 'done', changeId: 'C123', detail: 'INSYNC', output: 'ok', snapshot }]);
  });

  it('alerts: one row per fingerprint and start; the incident of its group; firing names', async () => {
    const a = { fingerprint: 'fp1', startsAt: t0, groupKey: 'g1', alertname: 'LagosPrimaryDown', status: 'firing' as const, labels: { severity: 'critical' }, at: t0 };
    expect(await recordAlert(db, a)).toEqual({ incidentId: null });
    await setAlertIncident(db, 'fp1', t0, incidentId);
    expect(await recordAlert(db, { ...a, at: new Date(t0.getTime() + 60_000) })).toEqual({ incidentId });
    expect(await openIncidentOfGroup(db, 'g1')).toBe(incidentId);
    expect(await openIncidentOfGroup(db, 'g2')).toBeUndefined();
    expect(await firingAlertsOf(db, incidentId)).toEqual(['LagosPrimaryDown']);
    await recordAlert(db, { ...a, status: 'resolved' });
    expect(await firingAlertsOf(db, incidentId)).toEqual([]);
  });

  it.skipIf(engine === 'pglite')('the runbook lock makes two replicas take turns', async () => {
    const other = connectPg(db.url!, { schema: db.schema, max: 2 });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let aLocked!: () => void;
    const aHolds = new Promise<void>((r) => (aLocked = r));
    let first: Promise<void> | undefined;
    let second: Promise<void> | undefined;
    try {
      first = db.transaction(async (tx) => {
        await lockRunbook(tx, 'dns-failover');
        order.push('a locked');
        aLocked();
        await held;
        order.push('a done');
      });
      await aHolds;
      let bPid: number | undefined;
      second = other.transaction(async (tx) => {
        bPid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
        await lockRunbook(tx, 'dns-failover');
        order.push('b locked');
      });
      // b is queued behind a: PostgreSQL shows its advisory lock request, not granted.
      await vi.waitFor(async () => {
        expect(bPid).toBeDefined();
        const waiting = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted`, [bPid]);
        expect(waiting[0].n).toBe(1);
      }, { timeout: 5000, interval: 20 });
      expect(order).toEqual(['a locked']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['a locked', 'a done', 'b locked']);
    } finally {
      release(); // a failed check must not leave a's transaction open (afterEach closes the database)
      await Promise.allSettled([first, second]);
      await other.close();
    }
  });
});
