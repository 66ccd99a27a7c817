import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declare } from '../../src/core/incident.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { claimDueSteps } from '../../src/store/sql/claimDueSteps.ts';
import { declareIncidents, type DeclareInput } from '../../src/store/sql/declareIncidents.ts';
import { finishSteps } from '../../src/store/sql/finishSteps.ts';
import type { Db } from '../../src/store/db.ts';
import { openTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';

/**
 * The hot statements (declare, finish) run as prepared statements on PostgreSQL. One connection
 * (max 1) so what the server holds for it can be read back through the same pool.
 */
const t0 = new Date('2026-12-06T09:00:00Z');
let n = 0;
function input(title: string): DeclareInput {
  const { incident, event } = declare({ title, severity: 2, by: 'U0A', at: t0 });
  const steps = [{ stepId: 's0', kind: 'post', source: 'chain', label: 'Step', dueAt: t0, params: {} }];
  return { requestKey: `k${++n}`, incident, event, steps, duplicateSince: new Date(t0.getTime() - 3_600_000) };
}

describe('prepared statements (PostgreSQL)', () => {
  let schemaDb: TestDb;
  let db: Db;
  let refusals: string[];
  const prepared = async () => (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).map((r) => r.name);
  const declareOne = async (title: string) => {
    const [out] = await declareIncidents(db, [input(title)]);
    expect(out.kind).toBe('declared');
    return out.kind === 'declared' ? out.incident : undefined!;
  };

  beforeEach(async () => {
    schemaDb = await openTestDb('pg', 'prepared');
    refusals = [];
    db = connectPg(TEST_DATABASE_URL, { schema: schemaDb.schema, max: 1, onPreparedRefused: (e) => refusals.push(e.message) });
  });
  afterEach(async () => {
    await db.close();
    await schemaDb.close();
  });

  it('a declare, a claim and a finish are prepared once on the connection, then reused', async () => {
    expect(await prepared()).toEqual([]);
    await declareOne('Lagos down');
    await declareOne('Abuja down');
    expect(await prepared()).toEqual(['drbot_declare_incidents']);
    const [step] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 60_000, limit: 10 });
    expect(await finishSteps(db, [{ id: step.id, worker: 'w1', status: 'done', error: null, result: {}, sentAt: t0 }])).toEqual(new Set([step.id]));
    expect(await prepared()).toEqual(['drbot_claim_due_steps', 'drbot_declare_incidents', 'drbot_finish_steps']);
    // Claimed with every column of the step, named.
    expect(step).toMatchObject({ incidentId: 1, stepId: 's0', kind: 'post', source: 'chain', label: 'Step', params: {}, dueAt: t0, status: 'pending', attempts: 1, reclaimed: false });
  });

  it('a migration adding columns does not break the prepared statements of a replica still running', async () => {
    await declareOne('Lagos down');
    const [step] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 60_000, limit: 10 });
    await finishSteps(db, [{ id: step.id, worker: 'w1', status: 'done', error: null, result: {}, sentAt: t0 }]);
    // What a newer replica's migration might do, from another connection.
    await schemaDb.exec('ALTER TABLE incidents ADD COLUMN region text; ALTER TABLE steps ADD COLUMN note text; ALTER TABLE request_keys ADD COLUMN origin text');
    const again = await declareOne('Abuja down');
    expect(again.title).toBe('Abuja down');
    const [next] = await claimDueSteps(db, { worker: 'w1', now: t0, leaseMs: 60_000, limit: 10 });
    expect(await finishSteps(db, [{ id: next.id, worker: 'w1', status: 'done', error: null, result: {}, sentAt: t0 }])).toEqual(new Set([next.id]));
    expect(await prepared()).toContain('drbot_declare_incidents');
    expect(refusals).toEqual([]);
  });

  it('a server that lost the prepared statement (a pooler moved the connection): run unnamed, and stop preparing', async () => {
    await declareOne('Lagos down');
    // The client still believes the statement is prepared; the server no longer has it, as
    // behind PgBouncer in transaction mode without max_prepared_statements.
    await db.query('DEALLOCATE ALL');
    expect(await prepared()).toEqual([]);
    const out = await declareOne('Abuja down');
    expect(out.id).toBe(2);
    await declareOne('Asaba down');
    expect(await prepared()).toEqual([]);
    expect(refusals).toEqual(['prepared statement "drbot_declare_incidents" does not exist']);
    const counted = await schemaDb.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(counted[0].n).toBe(3); // the refused attempt wrote nothing
  });

  it('any other error is the caller\'s, and preparing goes on', async () => {
    await declareOne('Lagos down');
    // Two declares with the same request key in one statement fail on its primary key.
    const twice = input('Abuja down');
    await expect(declareIncidents(db, [twice, { ...input('Asaba down'), requestKey: twice.requestKey }])).rejects.toMatchObject({ code: '23505' });
    await declareOne('Kano down');
    expect(await prepared()).toEqual(['drbot_declare_incidents']);
    expect(refusals).toEqual([]);
  });
});
