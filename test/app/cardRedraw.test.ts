import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_LEASE_MS, refreshStaleCards } from '../../src/service/cards.ts';
import type { Queryable } from '../../src/store/db.ts';
import { claimStaleCards } from '../../src/store/sql/claimStaleCards.ts';
import { ENGINES } from '../helpers/db.ts';
import { testApp } from '../helpers/app.ts';

type T = Awaited<ReturnType<typeof testApp>>;

describe.each(ENGINES)('cards redrawn after a scheduler pass, on %s', (engine) => {
  let t: T;
  beforeEach(async () => {
    t = await testApp({ engine });
  });
  afterEach(async () => {
    await t.close();
  });

  /** The app's context with its store calls counted. */
  function counted() {
    const statements: string[] = [];
    const db: Queryable = { ...t.app.ctx.db, query: (text, params) => (statements.push(text), t.app.ctx.db.query(text, params)) };
    return { ctx: { ...t.app.ctx, db } as typeof t.app.ctx, statements };
  }
  const stale = async () => (await t.db.query<{ id: number }>('SELECT id FROM incidents WHERE card_version < version ORDER BY id')).map((r) => r.id);

  it('every changed card in one read and one write, each drawn with its latest state', async () => {
    for (let n = 1; n <= 5; n++) await t.dr(`declare sev3 Outage ${n}`);
    await t.drain();
    expect(await stale()).toEqual([]);
    for (let n = 1; n <= 5; n++) await t.dr(`update INC-${n} identified cause ${n} found`);
    expect(await stale()).toEqual([1, 2, 3, 4, 5]);
    const before = t.chat.calls.length;
    const { ctx, statements } = counted();
    await refreshStaleCards(ctx);
    const updates = t.chat.calls.slice(before).filter((c) => c.method === 'update');
    expect(updates).toHaveLength(5);
    for (const [k, u] of updates.entries()) {
      const i = (await t.db.query<{ channel_id: string; card_ts: string }>('SELECT channel_id, card_ts FROM incidents WHERE id = $1', [k + 1]))[0];
      expect([u.channel, u.args]).toEqual([i.channel_id, i.card_ts]);
      expect(u.message!.fallback).toBe(`INC-${k + 1} · SEV-3 · Outage ${k + 1} — Identified`);
    }
    expect(statements).toHaveLength(2);
    expect(await stale()).toEqual([]);
    // Nothing changed since: nothing redrawn, one read.
    const again = counted();
    await refreshStaleCards(again.ctx);
    expect(t.chat.calls.slice(before).filter((c) => c.method === 'update')).toHaveLength(5);
    expect(again.statements).toHaveLength(1);
  });

  it('a card whose update fails stays stale and is drawn again once its hold runs out; the others are recorded', async () => {
    for (let n = 1; n <= 3; n++) await t.dr(`declare sev3 Outage ${n}`);
    await t.drain();
    for (let n = 1; n <= 3; n++) await t.dr(`update INC-${n} still looking`);
    t.chat.failNext.set('update', [new Error('Slack said no')]);
    await refreshStaleCards(t.app.ctx);
    expect(await stale()).toEqual([1]);
    const updates = () => t.chat.calls.filter((c) => c.method === 'update').length;
    const before = updates();
    await refreshStaleCards(t.app.ctx); // still held: not hammered again at once
    expect(updates()).toBe(before);
    t.clock.advance(CARD_LEASE_MS);
    await refreshStaleCards(t.app.ctx);
    expect(updates()).toBe(before + 1);
    expect(await stale()).toEqual([]);
  });

  it('two replicas redrawing at once draw each card once; cards held by a replica that died are drawn after its hold', async () => {
    for (let n = 1; n <= 4; n++) await t.dr(`declare sev3 Outage ${n}`);
    await t.drain();
    for (let n = 1; n <= 4; n++) await t.dr(`update INC-${n} looking`);
    const updates = () => t.chat.calls.filter((c) => c.method === 'update').length;
    const before = updates();
    // Replica a is in the middle of its first chat.update when replica b's pass ends.
    let release!: () => void, inside!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const entered = new Promise<void>((r) => (inside = r));
    const chat = t.app.ctx.chat;
    const slowChat = Object.assign(Object.create(Object.getPrototypeOf(chat)), chat, {
      update: async (...args: Parameters<typeof chat.update>) => (inside(), await gate, chat.update(...args)),
    });
    const a = refreshStaleCards({ ...t.app.ctx, chat: slowChat });
    await entered;
    await refreshStaleCards(t.app.ctx); // replica b
    expect(updates()).toBe(before);
    release();
    await a;
    expect(updates()).toBe(before + 4);
    expect(await stale()).toEqual([]);

    // A replica takes the cards and dies before drawing them.
    for (let n = 1; n <= 2; n++) await t.dr(`update INC-${n} still looking`);
    expect(await claimStaleCards(t.db, { now: t.clock.now(), leaseMs: CARD_LEASE_MS, limit: 100 })).toHaveLength(2);
    await refreshStaleCards(t.app.ctx);
    expect(updates()).toBe(before + 4);
    t.clock.advance(CARD_LEASE_MS);
    await refreshStaleCards(t.app.ctx);
    expect(updates()).toBe(before + 6);
    expect(await stale()).toEqual([]);
  });

  it('finds stale cards by the partial index, not by reading every incident', async () => {
    await t.db.query(
      `INSERT INTO incidents (title, severity, status, declared_by, commander, declared_at, last_update_at, card_ts, card_version, version)
       SELECT 'old ' || n, 3, 'resolved', 'U0A', 'U0A', now(), now(), 'ts' || n, 2, 2 FROM generate_series(1, 20000) n`,
    );
    await t.db.query('ANALYZE incidents');
    let sql: { text: string; params?: unknown[] } | undefined;
    await claimStaleCards({ query: async (text: string, params?: unknown[]) => ((sql = { text, params }), []) }, { now: t.clock.now(), leaseMs: CARD_LEASE_MS, limit: 100 });
    const plan = (await t.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql!.text}`, sql!.params)).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('incidents_stale_card');
    expect(plan).not.toMatch(/Seq Scan on incidents/);
    expect(await claimStaleCards(t.db, { now: t.clock.now(), leaseMs: CARD_LEASE_MS, limit: 100 })).toEqual([]);
  });
});
