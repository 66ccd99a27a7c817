import { afterEach, describe, expect, it } from 'vitest';
import { textMessage } from '../../src/core/message.ts';
import { FinishQueue, type FinishItem } from '../../src/scheduler/finishQueue.ts';
import { postStep } from '../../src/service/steps/post.ts';
import type { Db } from '../../src/store/db.ts';
import { claimDueSteps, type ClaimedStep } from '../../src/store/sql/claimDueSteps.ts';
import { plantSteps } from '../../src/store/sql/plantSteps.ts';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { declaredIncident } from '../helpers/declared.ts';

/** Step outcomes are written in shared commits: those finishing within the linger share one statement. */
describe.each(ENGINES)('step outcomes in group commits (%s)', (engine) => {
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  /** `n` steps planted and claimed by worker `w`, and a store whose statements are counted. */
  async function claimed(n: number): Promise<{ steps: ClaimedStep[]; counted: Db; statements: string[] }> {
    db = await openTestDb(engine, 'finish-queue');
    const at = new Date();
    const incident = await declaredIncident(db, { title: 'Group commit', severity: 3, by: 'U0ONCALL01', at });
    await plantSteps(db, incident.id, Array.from({ length: n }, (_, k) => postStep(`s${k}`, `s${k}`, 'engineering', textMessage([`${k}.`]), at)));
    const steps = await claimDueSteps(db, { worker: 'w', now: new Date(at.getTime() + 1), leaseMs: 60_000, limit: n });
    const statements: string[] = [];
    const inner = db;
    const counted: Db = { ...inner, query: (text, params) => (statements.push(text), inner.query(text, params)) };
    return { steps, counted, statements };
  }

  const outcome = (s: ClaimedStep): FinishItem => ({
    row: { id: s.id, worker: 'w', status: 'done', error: null, result: {}, sentAt: new Date() },
    incidentId: s.incidentId,
    event: { type: 'step', at: new Date(), actor: 'drbot', text: `${s.label}: sent` },
    plant: [],
    touch: true,
  });

  it('outcomes finishing within the linger share one statement; one after it is written alone', async () => {
    const { steps, counted, statements } = await claimed(4);
    const queue = new FinishQueue(counted, { lingerMs: 50 });
    const first = queue.add(outcome(steps[0]));
    await new Promise((r) => setTimeout(r, 10));
    const shared = [first, queue.add(outcome(steps[1])), queue.add(outcome(steps[2]))];
    expect(await Promise.all(shared)).toEqual([true, true, true]);
    expect(statements).toHaveLength(1);
    expect(await queue.add(outcome(steps[3]))).toBe(true);
    expect(statements).toHaveLength(2);
    const rows = await db!.query<{ status: string; lease_until: Date | null }>('SELECT status, lease_until FROM steps ORDER BY id');
    expect(rows).toEqual(Array.from({ length: 4 }, () => ({ status: 'done', lease_until: null })));
    const timeline = await db!.query<{ text: string }>("SELECT text FROM timeline WHERE type = 'step' ORDER BY id");
    expect(timeline.map((t) => t.text)).toEqual(['s0: sent', 's1: sent', 's2: sent', 's3: sent']);
  });

  it('holds a commit back while a step is about to start, and commits once none is', async () => {
    const { steps, counted, statements } = await claimed(2);
    let aboutToStart = true;
    const queue = new FinishQueue(counted, { lingerMs: 1, holdFor: () => (aboutToStart ? 5 : 0) });
    const first = queue.add(outcome(steps[0]));
    await new Promise((r) => setTimeout(r, 40));
    expect(statements).toHaveLength(0);
    const second = queue.add(outcome(steps[1]));
    aboutToStart = false;
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(statements).toHaveLength(1);
  });

  it('holds a commit back no longer than maxHoldMs', async () => {
    const { steps, counted, statements } = await claimed(1);
    const queue = new FinishQueue(counted, { lingerMs: 1, holdFor: () => 10, maxHoldMs: 30 });
    const added = performance.now();
    expect(await queue.add(outcome(steps[0]))).toBe(true);
    expect(statements).toHaveLength(1);
    expect(performance.now() - added).toBeGreaterThanOrEqual(29);
  });
});
