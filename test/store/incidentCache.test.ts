import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { connectPg } from '../../src/store/fromPg.ts';
import { IncidentCache, type IncidentCacheOptions } from '../../src/store/incidentCache.ts';
import { claimDueSteps } from '../../src/store/sql/claimDueSteps.ts';
import { plantSteps } from '../../src/store/sql/plantSteps.ts';
import { setIncidentChannel } from '../../src/store/sql/setIncidentChannel.ts';
import { declaredIncident } from '../helpers/declared.ts';
import { ENGINES, openTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

const t0 = new Date('2026-11-24T09:00:00Z');
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const FAST: IncidentCacheOptions = { heartbeatMs: 40, heartbeatTimeoutMs: 60 };

/** Changes a title the way no trigger sees (as a restore or logical replication would): only the store knows. */
async function retitleUnheard(db: Db, id: number, title: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query('UPDATE incidents SET title = $2 WHERE id = $1', [id, title]);
  });
}

const titleOf = async (cache: IncidentCache, id: number) => (await cache.get({ id }))?.incident.title;

describe.each(ENGINES)('the /dr status cache on %s', (engine) => {
  let db: TestDb;
  let cache: IncidentCache;
  beforeEach(async () => {
    db = await openTestDb(engine, 'cache');
  });
  afterEach(async () => {
    await cache?.stop();
    await db.close();
  });

  async function started(o: IncidentCacheOptions = FAST, now?: () => number) {
    cache = new IncidentCache(db, log, o, now);
    cache.start();
    await until('the cache to hear its heartbeat', () => cache.serving, 5_000);
    return cache;
  }

  it('serves a read from memory, and reads the store again once the incident changes', async () => {
    const i = await declaredIncident(db, { title: 'Lagos down', severity: 1, by: 'U0A', at: t0, services: [] });
    await started();
    expect(await titleOf(cache, i.id)).toBe('Lagos down');
    await retitleUnheard(db, i.id, 'changed behind its back');
    expect(await titleOf(cache, i.id)).toBe('Lagos down'); // from memory: the store says otherwise

    await db.query('UPDATE incidents SET status = $2 WHERE id = $1', [i.id, 'identified']);
    await until('the notice to drop the entry', async () => (await cache.get({ id: i.id }))?.incident.status === 'identified', 5_000);
    expect(await titleOf(cache, i.id)).toBe('changed behind its back');
  });

  it('a step planted or claimed drops its incident, and only its incident', async () => {
    const a = await declaredIncident(db, { title: 'A', severity: 2, by: 'U0A', at: t0, services: [] });
    const b = await declaredIncident(db, { title: 'B', severity: 2, by: 'U0A', at: t0, services: [] });
    await started();
    expect((await cache.get({ id: a.id }))!.steps).toEqual([]);
    await titleOf(cache, b.id);
    await retitleUnheard(db, b.id, 'B, unheard');

    await plantSteps(db, a.id, [{ stepId: 's1', kind: 'post', source: 'chain', label: 'Page', dueAt: t0, params: {} }]);
    await until('the planted step', async () => (await cache.get({ id: a.id }))!.steps.length === 1, 5_000);
    await retitleUnheard(db, a.id, 'A, unheard');
    expect(await titleOf(cache, a.id)).toBe('A');
    expect(await claimDueSteps(db, { now: new Date(t0.getTime() + 1), worker: 'w1', leaseMs: 60_000, limit: 10 })).toHaveLength(1);
    await until('the claim to drop the entry', async () => (await titleOf(cache, a.id)) === 'A, unheard', 5_000);
    expect(await titleOf(cache, b.id)).toBe('B'); // B's entry was not touched
  });

  it('finds an incident by its channel, and follows the channel when it is set', async () => {
    const i = await declaredIncident(db, { title: 'Channel', severity: 3, by: 'U0A', at: t0, services: [] });
    await started();
    expect(await cache.get({ channelId: 'C0INC' })).toBeUndefined();
    await setIncidentChannel(db, i.id, 'C0INC', 'inc-1-channel');
    await cache.settled();
    expect((await cache.get({ channelId: 'C0INC' }))?.incident.id).toBe(i.id);
    await retitleUnheard(db, i.id, 'unheard');
    expect((await cache.get({ channelId: 'C0INC' }))!.incident.title).toBe('Channel');
  });

  it('a notice naming too many incidents for its payload (\'<schema>:*\') drops everything; another schema\'s is ignored', async () => {
    const i = await declaredIncident(db, { title: 'Kept', severity: 3, by: 'U0A', at: t0, services: [] });
    await started();
    await titleOf(cache, i.id);
    await retitleUnheard(db, i.id, 'Dropped');
    await db.query("SELECT pg_notify('drbot_incident_changes', 'some_other_drbot:' || $1)", [String(i.id)]);
    await cache.settled();
    expect(await titleOf(cache, i.id)).toBe('Kept');
    await db.query("SELECT pg_notify('drbot_incident_changes', current_schema() || ':*')");
    await cache.settled();
    expect(await titleOf(cache, i.id)).toBe('Dropped');
    expect(cache.serving).toBe(true);
  });

  it('serves an entry for maxAgeMs at most, changes heard or not', async () => {
    const i = await declaredIncident(db, { title: 'Old', severity: 3, by: 'U0A', at: t0, services: [] });
    let now = 0;
    await started({ ...FAST, maxAgeMs: 1_000 }, () => now);
    await titleOf(cache, i.id);
    await retitleUnheard(db, i.id, 'New');
    now = 999;
    expect(await titleOf(cache, i.id)).toBe('Old');
    now = 1_000;
    expect(await titleOf(cache, i.id)).toBe('New');
  });

  it('a cache that was stopped serves nothing from memory', async () => {
    const i = await declaredIncident(db, { title: 'Before', severity: 3, by: 'U0A', at: t0, services: [] });
    await started();
    await titleOf(cache, i.id);
    await cache.stop();
    expect(cache.serving).toBe(false);
    await retitleUnheard(db, i.id, 'After');
    expect(await titleOf(cache, i.id)).toBe('After');
  });
});

describe('the /dr status cache on PostgreSQL, when it cannot be sure it hears', () => {
  let db: TestDb;
  let cache: IncidentCache | undefined;
  const extra: Db[] = [];
  beforeEach(async () => {
    db = await openTestDb('pg', 'cache_pg');
  });
  afterEach(async () => {
    await cache?.stop();
    for (const d of extra.splice(0)) await d.close();
    await db.close();
  });

  it('another replica\'s write drops the entry here', async () => {
    const i = await declaredIncident(db, { title: 'Shared', severity: 2, by: 'U0A', at: t0, services: [] });
    const other = connectPg(TEST_DATABASE_URL, { schema: db.schema });
    extra.push(other);
    cache = new IncidentCache(db, log, FAST);
    cache.start();
    await until('serving', () => cache!.serving, 5_000);
    expect(await titleOf(cache, i.id)).toBe('Shared');
    await other.query('UPDATE incidents SET title = $2 WHERE id = $1', [i.id, 'Written elsewhere']);
    await until('the other replica\'s change', async () => (await titleOf(cache!, i.id)) === 'Written elsewhere', 5_000);
  });

  it('a lost listening connection stops serving at once, and listening resumes on the next heartbeat', async () => {
    const i = await declaredIncident(db, { title: 'Before', severity: 2, by: 'U0A', at: t0, services: [] });
    const app = `drbot_cache_${randomBytes(4).toString('hex')}`;
    const own = connectPg(`${TEST_DATABASE_URL}?application_name=${app}`, { schema: db.schema });
    extra.push(own);
    // A slower heartbeat than the others': the gap between the loss and the next listen is seen.
    cache = new IncidentCache(own, log, { heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
    cache.start();
    await until('serving', () => cache!.serving, 5_000);
    await titleOf(cache, i.id);

    const [{ n }] = await db.query<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'", [app]);
    expect(n).toBe(1);
    await until('the loss to be noticed', () => !cache!.serving, 5_000);
    await retitleUnheard(db, i.id, 'After');
    expect(await titleOf(cache, i.id)).toBe('After');
    await until('listening again', () => cache!.serving, 5_000);
  });

  it('a listener on another database than the store\'s (a failover seen by half) never serves', async () => {
    const i = await declaredIncident(db, { title: 'Split', severity: 2, by: 'U0A', at: t0, services: [] });
    const elsewhere = connectPg(TEST_DATABASE_URL.replace(/\/[^/]*$/, '/postgres'));
    extra.push(elsewhere);
    // The store's queries go to `test`; the notices are heard on `postgres`.
    const split: Db = { ...db, listen: (ch, onNotice, onLost) => elsewhere.listen(ch, onNotice, onLost) };
    cache = new IncidentCache(split, log, FAST);
    cache.start();
    await new Promise((r) => setTimeout(r, 300)); // several heartbeats: none comes back
    expect(cache.serving).toBe(false);
    await titleOf(cache, i.id);
    await retitleUnheard(db, i.id, 'read from the store');
    expect(await titleOf(cache, i.id)).toBe('read from the store');
  });

  it('a read in flight while its incident changes is answered but not kept', async () => {
    const i = await declaredIncident(db, { title: 'v1', severity: 2, by: 'U0A', at: t0, services: [] });
    cache = new IncidentCache(db, log, FAST);
    cache.start();
    await until('serving', () => cache!.serving, 5_000);
    // Another session holds the steps table: the cache's read waits behind it, then the
    // session changes the incident and commits while the read is still in flight.
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${db.schema}` });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE steps IN ACCESS EXCLUSIVE MODE');
      const read = cache.get({ id: i.id });
      await until('the read to wait on the lock', async () => (await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%row_to_json(i)%'"))[0].n > 0, 5_000);
      await blocker.query('UPDATE incidents SET title = $2 WHERE id = $1', [i.id, 'v2']);
      await blocker.query('COMMIT');
      await read;
    } finally {
      await blocker.end();
    }
    await retitleUnheard(db, i.id, 'v3');
    expect(await titleOf(cache, i.id)).toBe('v3');
  });
});
