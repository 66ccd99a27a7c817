import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declare } from '../../src/core/incident.ts';
import { declareIncidentOnce } from '../../src/store/sql/declareIncidents.ts';
import type { StepPlan } from '../../src/core/steps.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { migrate, migrationFiles } from '../../src/store/migrate.ts';
import { appendTimeline } from '../../src/store/sql/appendTimeline.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { cancelPendingSteps } from '../../src/store/sql/cancelPendingSteps.ts';
import { claimDueSteps } from '../../src/store/sql/claimDueSteps.ts';
import { nextDueAt } from '../../src/store/sql/nextDueAt.ts';
import { claimRequestKey } from '../../src/store/sql/claimRequestKey.ts';
import { getRequestReply } from '../../src/store/sql/getRequestReply.ts';
import { saveRequestReply } from '../../src/store/sql/saveRequestReply.ts';
import { finishSteps, type FinishRow } from '../../src/store/sql/finishSteps.ts';
import { retryStepLater } from '../../src/store/sql/retryStepLater.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { getIncidentByChannel } from '../../src/store/sql/getIncidentByChannel.ts';
import { declaredIncident } from '../helpers/declared.ts';
import { listOpenIncidents } from '../../src/store/sql/listOpenIncidents.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { plantSteps } from '../../src/store/sql/plantSteps.ts';
import { saveIncident } from '../../src/store/sql/saveIncident.ts';
import { setIncidentChannel } from '../../src/store/sql/setIncidentChannel.ts';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';

const t0 = new Date('2026-11-24T09:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
/** The done mark the runner writes for a step (it sends many in one statement). */
const done = (id: number, worker: string, result: Record<string, unknown>): FinishRow => ({ id, worker, status: 'done', error: null, result, sentAt: plus(1500) });
const step = (id: string, dueMs: number): StepPlan => ({ stepId: id, kind: 'post', source: 'chain', label: id, dueAt: plus(dueMs), params: { n: [1, 2] } });

describe.each(ENGINES)('store on %s', (engine) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb(engine, 'store');
  });
  afterEach(async () => {
    await db.close();
  });

  /** This test's schema as it was before migration `id`, to see what that migration does to data already there. */
  async function schemaBefore(id: number) {
    const schema = db.schema ?? 'public';
    await db.exec(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    await db.query('CREATE TABLE drbot_migrations (id integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const m of migrationFiles().filter((f) => f.id < id)) {
      await db.exec(m.sql);
      await db.query('INSERT INTO drbot_migrations (id) VALUES ($1)', [m.id]);
    }
  }
  /** An incident inserted with its number left to the column's default. */
  const insertByDefault = async (title: string) => (await db.query<{ id: number }>(
    `INSERT INTO incidents (title, severity, status, declared_by, commander, declared_at, last_update_at)
     VALUES ($1, 2, 'investigating', 'U0A', 'U0A', $2, $2) RETURNING id`, [title, t0]))[0].id;

  async function newIncident(title = 'Lagos down') {
    return declaredIncident(db, { title, severity: 1, by: 'U0A', at: t0, services: ['api', 'db'] });
  }

  it('migrating again changes nothing', async () => {
    expect(await migrate(db)).toEqual([]);
  });

  it('stores and reads incidents with their JSON fields and dates', async () => {
    const i = await newIncident();
    expect(i.id).toBeGreaterThan(0);
    const read = await getIncident(db, i.id);
    expect(read).toMatchObject({ title: 'Lagos down', severity: 1, services: ['api', 'db'], declaredAt: t0, cardTs: null, version: 1 });
    await saveIncident(db, { ...read!, status: 'identified', services: ['api'], version: 2 });
    await setIncidentChannel(db, i.id, 'C0INC', 'inc-1');
    expect(await getIncidentByChannel(db, 'C0INC')).toMatchObject({ id: i.id, status: 'identified', services: ['api'], version: 2 });
    expect((await listOpenIncidents(db)).map((x) => x.id)).toEqual([i.id]);
  });

  it('keeps the timeline in order', async () => {
    const i = await newIncident();
    await appendTimeline(db, i.id, [
      { type: 'declared', at: t0, actor: 'U0A', text: 'one' },
      { type: 'updated', at: plus(1000), actor: 'U0B', text: 'two', data: { status: 'identified' } },
    ]);
    // After the declare's own entry, in the order appended.
    expect((await listTimeline(db, i.id)).slice(1).map((e) => [e.text, e.data])).toEqual([['one', {}], ['two', { status: 'identified' }]]);
  });

  it('a request key is claimed once; the first reply is kept for retries', async () => {
    expect(await claimRequestKey(db, 'slack:cmd:T1', t0)).toBe(true);
    await saveRequestReply(db, 'slack:cmd:T1', { message: 'first' });
    expect(await claimRequestKey(db, 'slack:cmd:T1', t0)).toBe(false);
    expect(await getRequestReply(db, 'slack:cmd:T1')).toEqual({ reply: { message: 'first' }, incidentId: null });
  });

  it('a key claimed in a transaction that rolls back is free again', async () => {
    await expect(db.transaction(async (tx) => {
      await claimRequestKey(tx, 'k', t0);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(await claimRequestKey(db, 'k', t0)).toBe(true);
  });

  it('plants steps once per id and claims only due ones, in due order', async () => {
    const i = await newIncident();
    expect(await plantSteps(db, i.id, [step('b', 2000), step('a', 1000), step('later', 60_000)])).toEqual(['b', 'a', 'later']);
    expect(await plantSteps(db, i.id, [step('a', 0)])).toEqual([]);
    expect(await nextDueAt(db)).toEqual({ due: plus(1000), lease: undefined });
    const claimed = await claimDueSteps(db, { worker: 'w1', now: plus(5000), leaseMs: 30_000, limit: 10 });
    expect(claimed.map((s) => [s.stepId, s.attempts, s.reclaimed])).toEqual([['a', 1, false], ['b', 1, false]]);
    expect(claimed[0].params).toEqual({ n: [1, 2] });
    // Claimed steps are leased: nobody else gets them.
    expect(await claimDueSteps(db, { worker: 'w2', now: plus(6000), leaseMs: 30_000, limit: 10 })).toEqual([]);
  });

  it('finishing needs the lease; a lease that ran out is reclaimed and marked', async () => {
    const i = await newIncident();
    await plantSteps(db, i.id, [step('a', 0)]);
    const [first] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 1000, limit: 1 });
    // w1 "died": after the lease, w2 reclaims and knows the send may repeat.
    const [again] = await claimDueSteps(db, { worker: 'w2', now: plus(1001), leaseMs: 1000, limit: 1 });
    expect(again).toMatchObject({ id: first.id, attempts: 2, reclaimed: true });
    expect(await finishSteps(db, [done(first.id, 'w1', { detail: 'late' })])).toEqual(new Set());
    expect(await finishSteps(db, [done(first.id, 'w2', { detail: 'sent', ts: '1.2' })])).toEqual(new Set([first.id]));
    const [stored] = await listSteps(db, i.id);
    expect(stored).toMatchObject({ status: 'done', sentAt: plus(1500), result: { detail: 'sent', ts: '1.2' } });
    expect(await claimDueSteps(db, { worker: 'w3', now: plus(99_000), leaseMs: 1000, limit: 1 })).toEqual([]);
  });

  it('an outcome\'s timeline entry and card mark are written with its done mark, and not at all when the lease was lost', async () => {
    const i = await newIncident();
    const other = await newIncident('Accra down');
    await plantSteps(db, other.id, [step('c', -1)]);
    await plantSteps(db, i.id, [step('a', 0), step('b', 0)]);
    // w1 holds c briefly and a, b for a minute; w2 takes c over once w1's short lease ran out.
    const [c] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 1000, limit: 1 });
    const [a, b] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 60_000, limit: 2 });
    expect([c.stepId, a.stepId, b.stepId]).toEqual(['c', 'a', 'b']);
    expect((await claimDueSteps(db, { worker: 'w2', now: plus(1001), leaseMs: 60_000, limit: 3 })).map((s) => s.stepId)).toEqual(['c']);
    const before = { i: (await getIncident(db, i.id))!.version, other: (await getIncident(db, other.id))!.version };
    const entry = (id: number, text: string) => ({ incidentId: id, event: { type: 'step' as const, at: plus(1500), actor: 'drbot', text, data: { n: 1 } } });
    const held = await finishSteps(db, [
      { ...done(a.id, 'w1', {}), timeline: entry(i.id, 'a: sent'), touch: i.id },
      { ...done(b.id, 'w1', {}), timeline: entry(i.id, 'b: sent'), touch: i.id },
      { ...done(c.id, 'w1', {}), timeline: entry(other.id, 'c: sent'), touch: other.id },
    ]);
    expect(held).toEqual(new Set([a.id, b.id]));
    expect((await listTimeline(db, i.id)).slice(1).map((e) => [e.text, e.data])).toEqual([['a: sent', { n: 1 }], ['b: sent', { n: 1 }]]);
    expect((await listTimeline(db, other.id)).slice(1)).toEqual([]);
    expect((await getIncident(db, i.id))!.version).toBe(before.i + 1);
    expect((await getIncident(db, other.id))!.version).toBe(before.other);
  });

  it('a retry puts the step back with its error and a later due time', async () => {
    const i = await newIncident();
    await plantSteps(db, i.id, [step('a', 0)]);
    const [s] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 1000, limit: 1 });
    expect(await retryStepLater(db, { id: s.id, worker: 'w1', error: '503', retryAt: plus(4000) })).toBe(true);
    expect(await claimDueSteps(db, { worker: 'w1', now: plus(3999), leaseMs: 1000, limit: 1 })).toEqual([]);
    const [r] = await claimDueSteps(db, { worker: 'w1', now: plus(4000), leaseMs: 1000, limit: 1 });
    expect(r).toMatchObject({ attempts: 2, reclaimed: false, lastError: '503' });
  });

  it('cancels pending steps by id or by source, never finished ones', async () => {
    const i = await newIncident();
    await plantSteps(db, i.id, [step('a', 0), step('b', 1000), step('c', 2000), { ...step('sys', 0), source: 'system' }]);
    const [a] = await claimDueSteps(db, { worker: 'w', now: t0, leaseMs: 1000, limit: 1 });
    await finishSteps(db, [{ ...done(a.id, 'w', {}), sentAt: t0 }]);
    expect(await cancelPendingSteps(db, i.id, ['a', 'b'])).toEqual(['b']);
    expect(await cancelPendingSteps(db, i.id, undefined, ['chain'])).toEqual(['c']);
    expect((await listSteps(db, i.id)).map((s) => [s.stepId, s.status])).toEqual([['a', 'done'], ['sys', 'pending'], ['b', 'cancelled'], ['c', 'cancelled']]);
  });

  it('plants a cancelled step again only when asked to replan it, and never one that ran or is in flight', async () => {
    const i = await newIncident();
    await plantSteps(db, i.id, [step('ran', 0), step('down', 1000), step('flying', 0), step('kept', 2000), { ...step('sys', 0), source: 'system' }]);
    const claimed = await claimDueSteps(db, { worker: 'w', now: t0, leaseMs: 60_000, limit: 2 });
    const ran = claimed.find((s) => s.stepId === 'ran')!;
    await finishSteps(db, [done(ran.id, 'w', {})]);
    // `ran` is done, `flying` is claimed (a send in flight); everything else pending is cancelled.
    await cancelPendingSteps(db, i.id);
    const again = (id: string, source = 'chain'): StepPlan => ({ ...step(id, 9000), source, label: `${id} again`, replan: true });
    // Without the replan mark a cancelled id stays cancelled (a follow-up planted twice).
    expect(await plantSteps(db, i.id, [step('down', 9000)])).toEqual([]);
    expect(await plantSteps(db, i.id, [again('ran'), again('down'), again('flying'), again('sys'), again('new'), again('new')])).toEqual(['down', 'new']);
    const s = Object.fromEntries((await listSteps(db, i.id)).map((x) => [x.stepId, x]));
    expect(s.down).toMatchObject({ status: 'pending', label: 'down again', dueAt: plus(9000), attempts: 0, lastError: null });
    expect(s.ran.status).toBe('done');
    expect(s.flying).toMatchObject({ status: 'cancelled', attempts: 1 });
    // Another source's step with the same id is not taken over.
    expect(s.sys).toMatchObject({ status: 'cancelled', source: 'system' });
    expect(s.kept.status).toBe('cancelled');
    expect(s.new).toMatchObject({ status: 'pending', label: 'new again' });
  });

  it('declares in one statement: declared, then a repeat of the key writes nothing, then a duplicate title is pointed to', async () => {
    const d = declare({ title: 'Lagos down', severity: 1, by: 'U0A', at: t0 });
    const o = { incident: d.incident, event: d.event, steps: [step('open-channel', 0), step('page', 0)], duplicateSince: plus(-600_000) };
    const first = await declareIncidentOnce(db, { ...o, requestKey: 'k1' });
    expect(first).toMatchObject({ kind: 'declared', incident: { id: 1, title: 'Lagos down', services: [], declaredAt: t0 } });
    expect((await listSteps(db, 1)).map((s) => s.stepId)).toEqual(['open-channel', 'page']);
    expect((await listTimeline(db, 1)).map((e) => e.type)).toEqual(['declared']);
    expect(await declareIncidentOnce(db, { ...o, requestKey: 'k1' })).toEqual({ kind: 'repeat', incidentId: 1, first: 'declared' });
    const again = await declareIncidentOnce(db, { ...o, requestKey: 'k2' });
    expect(again).toMatchObject({ kind: 'duplicate', incident: { id: 1 } });
    expect(await declareIncidentOnce(db, { ...o, requestKey: 'k2' })).toEqual({ kind: 'repeat', incidentId: 1, first: 'duplicate' });
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(n).toBe(1);
    expect((await listSteps(db, 1)).length).toBe(2);
  });

  it("an incident updated before migration 000025 gets its latest update's text", async () => {
    await schemaBefore(25);
    const [updated, quiet] = [await insertByDefault('Lagos down'), await insertByDefault('Abuja down')];
    const entry = (id: number, type: string, at: Date, note?: string) => db.query(
      `INSERT INTO timeline (incident_id, at, actor, type, text, data) VALUES ($1, $2, 'U0A', $3, 'x', $4::jsonb)`, [id, at, type, JSON.stringify(note ? { note } : {})]);
    await entry(updated, 'updated', plus(60_000), 'first look');
    await entry(updated, 'updated', plus(120_000), 'failing over');
    await entry(updated, 'assigned', plus(180_000));
    await entry(quiet, 'assigned', plus(60_000));
    expect(await migrate(db)).toContain(25);
    expect((await getIncident(db, updated))!.lastUpdateNote).toBe('failing over');
    expect((await getIncident(db, quiet))!.lastUpdateNote).toBeNull();
  });

  describe('incident numbers are gapless', () => {
    const declaring = (title: string, requestKey: string) => {
      const d = declare({ title, severity: 2, by: 'U0A', at: t0 });
      return { requestKey, incident: d.incident, event: d.event, steps: [step('open-channel', 0)], duplicateSince: plus(-600_000) };
    };
    const idOf = (o: Awaited<ReturnType<typeof declareIncidentOnce>>) => (o.kind === 'repeat' ? o.incidentId : o.incident.id);

    it('a declare that fails or rolls back does not use up a number', async () => {
      expect(idOf(await declareIncidentOnce(db, declaring('Lagos down', 'k1')))).toBe(1);
      // A retry of k1 with another title gets as far as inserting an incident before its key fails.
      expect(await declareIncidentOnce(db, declaring('Abuja down', 'k1'))).toEqual({ kind: 'repeat', incidentId: 1, first: 'declared' });
      expect(idOf(await declareIncidentOnce(db, declaring('Abuja down', 'k2')))).toBe(2);
      // A transaction that fails after the declare takes its number back with it.
      await expect(db.transaction(async (tx) => {
        expect(idOf(await declareIncidentOnce(tx, declaring('Kano down', 'k3')))).toBe(3);
        throw new Error('refused later');
      })).rejects.toThrow('refused later');
      // A duplicate title is pointed to: no number either.
      expect(await declareIncidentOnce(db, declaring('lagos DOWN', 'k4'))).toMatchObject({ kind: 'duplicate', incident: { id: 1 } });
      expect(idOf(await declareIncidentOnce(db, declaring('Kano down', 'k5')))).toBe(3);
      // An insert numbered by the column's default takes the same counter.
      expect(await insertByDefault('Ibadan down')).toBe(4);
      expect(idOf(await declareIncidentOnce(db, declaring('Enugu down', 'k6')))).toBe(5);
    });

    it('a database numbered by the old sequence carries on after its highest number', async () => {
      // The schema as it was before 000007, with incidents numbered by the sequence (which
      // jumped: INC-2, then INC-34 after a crash).
      await schemaBefore(7);
      // Inserted as drbot did then: numbered by the column's default (the sequence).
      expect(await insertByDefault('one')).toBe(1);
      expect(await insertByDefault('two')).toBe(2);
      await db.query(`SELECT setval('incidents_id_seq', 33)`);
      expect(await insertByDefault('after the crash')).toBe(34);
      expect(await migrate(db)).toContain(7);
      expect(idOf(await declareIncidentOnce(db, declaring('Lagos down', 'k1')))).toBe(35);
      expect(idOf(await declareIncidentOnce(db, declaring('Abuja down', 'k2')))).toBe(36);
    });

    it.skipIf(engine === 'pglite')('two replicas declaring at once get exactly 1 … 20', async () => {
      const other = connectPg(db.url!, { schema: db.schema, max: 5 });
      try {
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => declareIncidentOnce(n % 2 ? other : db, declaring(`outage ${n}`, `c${n}`))));
        expect(outcomes.map(idOf).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
      } finally {
        await other.close();
      }
    });
  });

  it.skipIf(engine === 'pglite')('two workers claiming at once never get the same step', async () => {
    const i = await newIncident();
    await plantSteps(db, i.id, Array.from({ length: 200 }, (_, n) => step(`s${n}`, 0)));
    const other = connectPg(db.url!, { schema: db.schema, max: 4 });
    try {
      const claims = await Promise.all([db, other, db, other].map((q, n) => claimDueSteps(q, { worker: `w${n}`, now: t0, leaseMs: 60_000, limit: 70 })));
      const ids = claims.flat().map((s) => s.id);
      expect(ids.length).toBe(200);
      expect(new Set(ids).size).toBe(200);
    } finally {
      await other.close();
    }
  });

  it.skipIf(engine === 'pglite')('two replicas migrating at once both succeed', async () => {
    const a = connectPg(db.url!, { schema: db.schema, max: 2 });
    const b = connectPg(db.url!, { schema: db.schema, max: 2 });
    try {
      await db.query(`DROP SCHEMA ${db.schema} CASCADE`);
      await db.query(`CREATE SCHEMA ${db.schema}`);
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      // Every migration applied exactly once, by one replica or the other.
      const all = [...ra, ...rb].sort((x, y) => x - y);
      expect(all).toEqual(migrationFiles().map((m) => m.id));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
