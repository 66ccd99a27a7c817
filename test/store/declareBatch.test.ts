import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declare } from '../../src/core/incident.ts';
import type { Severity } from '../../src/core/severity.ts';
import { DeclareBatcher } from '../../src/store/declareBatcher.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { isStoreUnavailable } from '../../src/store/unavailable.ts';
import { declareIncidentOnce, declareIncidents, type DeclareInput } from '../../src/store/sql/declareIncidents.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

const t0 = new Date('2026-11-30T01:00:00Z');
const HOUR = 3_600_000;

function input(key: string, title: string, o: { severity?: number; at?: Date; windowMs?: number; steps?: number } = {}): DeclareInput {
  const at = o.at ?? t0;
  const { incident, event } = declare({ title, severity: (o.severity ?? 2) as Severity, by: 'U0A', at });
  const steps = Array.from({ length: o.steps ?? 2 }, (_, n) => ({ stepId: `s${n}`, kind: 'post', source: 'chain', label: `Step ${n}`, dueAt: new Date(at.getTime() + n * 60_000), params: { n } }));
  return { requestKey: key, incident, event, steps, duplicateSince: new Date(at.getTime() - (o.windowMs ?? HOUR)) };
}

describe.each(ENGINES)('declares written together on %s', (engine) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await openTestDb(engine, 'declare_batch');
  });
  afterEach(async () => {
    await db.close();
  });

  /** Sessions of this database waiting for a lock. */
  const lockWaits = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0].n;
  const counterNext = async () => (await db.query<{ next_id: number }>('SELECT next_id FROM incident_counter'))[0].next_id;

  it('one statement declares each with its own number (in order, no gaps), timeline entry, steps and request key', async () => {
    const out = await declareIncidents(db, [input('k1', 'Lagos down', { steps: 3 }), input('k2', 'Payments slow'), input('k3', 'Email bouncing', { steps: 0 })]);
    expect(out.map((o) => o.kind)).toEqual(['declared', 'declared', 'declared']);
    const ids = out.map((o) => (o.kind === 'declared' ? o.incident.id : 0));
    expect(ids).toEqual([1, 2, 3]);
    expect(out.map((o) => (o.kind === 'declared' ? o.incident.title : ''))).toEqual(['Lagos down', 'Payments slow', 'Email bouncing']);
    expect((await listSteps(db, 1)).map((s) => s.stepId)).toEqual(['s0', 's1', 's2']);
    expect((await listSteps(db, 2)).map((s) => s.stepId)).toEqual(['s0', 's1']);
    expect(await listSteps(db, 3)).toEqual([]);
    for (const id of ids) expect((await listTimeline(db, id)).map((e) => e.type)).toEqual(['declared']);
    expect(await db.query('SELECT key, incident_id, reply FROM request_keys ORDER BY key')).toEqual([
      { key: 'k1', incident_id: 1, reply: { kind: 'declared' } },
      { key: 'k2', incident_id: 2, reply: { kind: 'declared' } },
      { key: 'k3', incident_id: 3, reply: { kind: 'declared' } },
    ]);
    expect(await counterNext()).toBe(4);
  });

  it('a stored request key is a repeat and an open incident of the same title a duplicate; no number is used up', async () => {
    const first = await declareIncidentOnce(db, input('k1', 'Lagos down'));
    expect(first.kind).toBe('declared');
    const out = await declareIncidents(db, [input('k1', 'Lagos down'), input('k2', 'LAGOS DOWN'), input('k3', 'Payments slow'), input('k4', 'Lagos down', { windowMs: 0, at: new Date(t0.getTime() + 1) })]);
    expect(out[0]).toEqual({ kind: 'repeat', incidentId: 1, first: 'declared' });
    expect(out[1].kind).toBe('duplicate');
    expect(out[1].kind === 'duplicate' && out[1].incident.id).toBe(1);
    expect(out[2].kind === 'declared' && out[2].incident.id).toBe(2);
    // Outside its own duplicate window the same title is a new incident.
    expect(out[3].kind === 'declared' && out[3].incident.id).toBe(3);
    expect(await db.query("SELECT incident_id, reply FROM request_keys WHERE key = 'k2'")).toEqual([{ incident_id: 1, reply: { kind: 'duplicate' } }]);
    expect(await counterNext()).toBe(4);
    // Nothing new at all: the counter row is not even touched.
    expect((await declareIncidents(db, [input('k1', 'x'), input('k5', 'Payments slow')])).map((o) => o.kind)).toEqual(['repeat', 'duplicate']);
    expect(await counterNext()).toBe(4);
  });

  it('a duplicate points to the latest open incident of that title; a closed one, or one outside the window, is none', async () => {
    const later = (ms: number) => new Date(t0.getTime() + ms);
    await declareIncidents(db, [input('k1', 'DNS flapping')]);
    await declareIncidents(db, [input('k2', 'dns flapping', { at: later(2 * HOUR) })]); // the first is outside this one's window
    await declareIncidents(db, [input('k3', 'Queue backlog')]);
    await db.query("UPDATE incidents SET status = 'resolved' WHERE id = 3");
    const out = await declareIncidents(db, [
      input('k4', 'DNS Flapping', { at: later(2 * HOUR + 1), windowMs: 3 * HOUR }), // both open ones are in the window: the latest
      input('k5', 'Queue backlog', { at: later(1) }), // only a resolved one
    ]);
    expect(out[0].kind === 'duplicate' && out[0].incident.id).toBe(2);
    expect(out[1].kind === 'declared' && out[1].incident.id).toBe(4);
  });

  it('declares arriving together share statements, and each gets what it would have got alone', async () => {
    let statements = 0;
    const batcher = new DeclareBatcher({ query: (text, params) => (statements++, db.query(text, params)) });
    const out = await Promise.all([
      ...Array.from({ length: 12 }, (_, n) => batcher.declare(input(`k${n}`, `Incident ${n}`))),
      batcher.declare(input('same-key', 'Retried')), batcher.declare(input('same-key', 'Retried')),
      batcher.declare(input('t1', 'Same title')), batcher.declare(input('t2', 'same TITLE')),
    ]);
    const declared = out.filter((o) => o.kind === 'declared').map((o) => (o.kind === 'declared' ? o.incident.id : 0));
    expect(declared.sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, n) => n + 1)); // gapless
    expect(out[13]).toEqual({ kind: 'repeat', incidentId: out[12].kind === 'declared' ? out[12].incident.id : -1, first: 'declared' });
    expect(out[15].kind === 'duplicate' && out[14].kind === 'declared' && out[15].incident.id === out[14].incident.id).toBe(true);
    expect(await counterNext()).toBe(15);
    // The first alone, the next 14 together, then the second of the same key and of the same title.
    expect(statements).toBe(3);
  });

  // PGlite has no JIT.
  it.skipIf(engine === 'pglite')('the statement stays cheap enough that PostgreSQL never JIT-compiles it (that took over a second)', async () => {
    let sql: { text: string; params?: unknown[] } | undefined;
    await declareIncidents({ query: async (text, params) => ((sql = { text, params }), []) }, Array.from({ length: 50 }, (_, n) => input(`k${n}`, `T ${n}`, { steps: 12 })));
    const [{ 'QUERY PLAN': plan }] = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] }>(`EXPLAIN (FORMAT JSON) ${sql!.text}`, sql!.params);
    const [{ jit_above_cost: jitAbove }] = await db.query<{ jit_above_cost: string }>('SHOW jit_above_cost');
    expect(plan[0].Plan['Total Cost']).toBeLessThan(Math.min(Number(jitAbove), 100_000));
  });

  it.skipIf(engine === 'pglite')('a request key another replica stores while the declare waits is a repeat of its declare; no number is used up', async () => {
    const other = connectPg(db.url!, { schema: db.schema, max: 2 });
    try {
      let commit!: () => void, written!: () => void;
      const committing = new Promise<void>((r) => (commit = r));
      const wrote = new Promise<void>((r) => (written = r));
      // The other replica's declare holds the counter row and the key until its commit.
      const theirs = other.transaction(async (tx) => {
        const out = await declareIncidentOnce(tx, input('same-key', 'Theirs'));
        written();
        await committing;
        return out;
      });
      await wrote;
      const ours = declareIncidentOnce(db, input('same-key', 'Ours'));
      await until('our declare to wait for their commit', async () => (await lockWaits()) > 0);
      commit();
      const [t, o] = await Promise.all([theirs, ours]);
      expect(t.kind === 'declared' && t.incident.id).toBe(1);
      expect(o).toEqual({ kind: 'repeat', incidentId: 1, first: 'declared' });
      expect(await db.query('SELECT id, title FROM incidents')).toEqual([{ id: 1, title: 'Theirs' }]);
      expect(await counterNext()).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('a request key and an open incident of the same title are looked up by their indexes, never by reading all of them', async () => {
    await db.query(`INSERT INTO request_keys (key, reply, received_at) SELECT 'old-' || n, '{}', now() FROM generate_series(1, 20000) n`);
    // An alert storm's worth of open incidents (migration 000026's index; before it, every declare read them all,
    // and with the index on the title alone the planner walked the primary key backwards from 5,000).
    await db.query(`INSERT INTO incidents (id, title, severity, status, declared_by, commander, declared_at, last_update_at)
                    SELECT 1000 + n, 'Alert ' || n, 3, 'investigating', 'U0A', 'U0A', now(), now() FROM generate_series(1, 5000) n`);
    await db.query('ANALYZE request_keys');
    await db.query('ANALYZE incidents');
    let sql: { text: string; params?: unknown[] } | undefined;
    await declareIncidents({ query: async (text, params) => ((sql = { text, params }), []) }, [input('k1', 'Lagos down')]);
    const [{ 'QUERY PLAN': plan }] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql!.text}`, sql!.params);
    const scans: string[] = [];
    const indexes: string[] = [];
    const walk = (n: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: unknown[] }) => {
      if (['request_keys', 'incidents'].includes(n['Relation Name'] ?? '') && n['Node Type'].endsWith('Scan')) scans.push(`${n['Relation Name']}: ${n['Node Type']}`);
      if (n['Index Name']) indexes.push(n['Index Name']);
      for (const c of n.Plans ?? []) walk(c as typeof n);
    };
    walk((plan as [{ Plan: Parameters<typeof walk>[0] }])[0].Plan);
    expect(scans.filter((x) => x.includes('Seq Scan'))).toEqual([]);
    expect(indexes).toEqual(expect.arrayContaining(['request_keys_pkey', 'incidents_open_title']));
  });

  it('a batch that fails is written one by one: the bad declare gets its error, the others are declared', async () => {
    const batcher = new DeclareBatcher(db);
    const results = await Promise.allSettled([
      batcher.declare(input('a', 'First alone')), // written alone; the rest queue behind it
      batcher.declare(input('b', 'Good one')), batcher.declare(input('c', 'Bad severity', { severity: 9 })), batcher.declare(input('d', 'Good two')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/check constraint/i);
    const ids = results.flatMap((r) => (r.status === 'fulfilled' && r.value.kind === 'declared' ? [r.value.incident.id] : []));
    expect(ids).toEqual([1, 2, 3]);
    expect(await db.query("SELECT key FROM request_keys ORDER BY key")).toEqual([{ key: 'a' }, { key: 'b' }, { key: 'd' }]);
  });
});

describe('declares written together, when the store does not answer', () => {
  it('every declare waiting gets the store error at once, not one timeout after another', async () => {
    const down = connectPg('postgres://drbot@127.0.0.1:1/test', { connectTimeoutMs: 500 });
    let statements = 0;
    const batcher = new DeclareBatcher({ query: (text, params) => (statements++, down.query(text, params)) });
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, n) => batcher.declare(input(`k${n}`, `Outage ${n}`))));
      expect(results.every((r) => r.status === 'rejected' && isStoreUnavailable(r.reason))).toBe(true);
      expect(statements).toBe(1); // the first one's answer (none) is given to the five waiting behind it
    } finally {
      await down.close();
    }
  });
});
