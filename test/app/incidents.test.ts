import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainLine } from '../../src/core/message.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { testApp } from '../helpers/app.ts';

type T = Awaited<ReturnType<typeof testApp>>;
const text = (r: { message?: { blocks: unknown[]; fallback: string } }) => r.message?.fallback ?? '';

describe('declare, follow and resolve', () => {
  let t: T;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function count(table: string): Promise<number> {
    const [r] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return r.n;
  }

  it('declare opens the channel, invites the responders, posts the card and announces', async () => {
    const reply = await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    expect(reply.refused).toBeFalsy();
    expect(text(reply)).toContain('INC-1 declared — SEV-1 Critical: Lagos region unreachable');
    await t.drain();
    const created = t.chat.calls.find((c) => c.method === 'createChannel')!;
    expect(created.args).toEqual({ name: 'inc-20261124-lagos-region-unreachable', private: false });
    // The declarer and the SEV-1 responders (on-call, engineering lead) from contacts.yml.
    expect(t.chat.calls.find((c) => c.method === 'invite')?.args).toEqual(['U0ONCALL01', 'U0ENGLEAD1']);
    const [card] = t.chat.texts('post', created.channel);
    expect(card).toContain('INC-1 · SEV-1 · Lagos region unreachable');
    expect(card).toContain('Severity: SEV-1 Critical — Total platform outage');
    expect(card).toContain('Next update due: 2026-11-24 10:30 WAT');
    expect(t.chat.texts('post', 'incidents')[0]).toContain('INC-1 declared — SEV-1 Critical: Lagos region unreachable');
    const i = await getIncident(t.db, 1);
    expect(i).toMatchObject({ channelId: created.channel, cardTs: expect.any(String) });
    expect((await listTimeline(t.db, 1)).map((e) => e.text)).toEqual([
      'Declared SEV-1: Lagos region unreachable',
      'Open the incident channel: sent — opened #inc-20261124-lagos-region-unreachable',
      // The chain's T+0 page, recorded out loud because PagerDuty has no credentials here.
      'PagerDuty → on-call engineer: skipped — not sent (no credentials): PagerDuty needs PAGERDUTY_ROUTING_KEY',
    ]);
  });

  it('the same request twice (a Slack retry) declares once and answers the same', async () => {
    const a = await t.dr('declare sev2 DB slow', 'U0A', 'C0GEN', 'same-trigger');
    const b = await t.dr('declare sev2 DB slow', 'U0A', 'C0GEN', 'same-trigger');
    expect(text(b)).toBe(text(a));
    await t.drain();
    expect(await count('incidents')).toBe(1);
    expect(t.chat.count('createChannel')).toBe(1);
  });

  it('the same title typed again while open points to the open incident', async () => {
    await t.dr('declare sev2 DB slow');
    t.clock.advance(60_000);
    const again = await t.dr('declare sev2 db SLOW');
    expect(text(again)).toContain('INC-1 "DB slow" was declared 1m ago and is still open');
    expect(await count('incidents')).toBe(1);
    t.clock.advance(11 * 60_000);
    expect(text(await t.dr('declare sev2 DB slow'))).toContain('INC-2 declared');
  });

  it('repeated titles get channels of their own', async () => {
    await t.dr('declare sev3 Cache cold');
    await t.dr('cancel INC-1 false alarm', 'U0ONCALL01');
    await t.dr('declare sev3 Cache cold');
    await t.drain();
    const names = t.chat.calls.filter((c) => c.method === 'createChannel').map((c) => (c.args as { name: string }).name);
    expect(names).toEqual(['inc-20261124-cache-cold', 'inc-20261124-cache-cold-2']);
  });

  it.each([
    ['unknown severity', 'declare sev9 Lagos down', 'Unknown severity `sev9`'],
    ['empty title', 'declare sev1', 'title is empty'],
    ['2,000 character title', `declare sev1 ${'x'.repeat(2000)}`, 'is 2000 characters'],
    ['unknown subcommand', 'frobnicate', 'Unknown command `frobnicate`'],
    ['unknown incident', 'status INC-99', 'There is no INC-99'],
    ['no incident outside its channel', 'update still broken', 'This is not an incident channel'],
  ])('%s is refused with a clear answer and changes nothing', async (_label, cmd, answer) => {
    const r = await t.dr(cmd);
    expect(r.refused).toBe(true);
    expect(text(r)).toContain(answer);
    expect(await count('incidents')).toBe(0);
    expect(await count('request_keys')).toBe(0);
  });

  it('a command for a resolved incident is refused and changes nothing', async () => {
    await t.dr('declare sev2 DB slow', 'U0ONCALL01');
    await t.dr('resolve INC-1 index rebuilt', 'U0ONCALL01');
    const before = await getIncident(t.db, 1);
    const r = await t.dr('update INC-1 more news', 'U0ONCALL01');
    expect(r.refused).toBe(true);
    expect(text(r)).toContain('INC-1 is resolved. Use `/dr reopen INC-1`');
    expect(await getIncident(t.db, 1)).toEqual(before);
  });

  it('inside the incident channel the id is optional; the card is updated in place', async () => {
    await t.dr('declare sev1 Lagos down', 'U0ONCALL01');
    await t.drain();
    const channel = (await getIncident(t.db, 1))!.channelId!;
    expect(text(await t.dr('update identified LB health checks failing', 'U0ONCALL01', channel))).toContain('Update posted to INC-1');
    t.clock.advance(1000);
    await t.dr('assign <@U0ENGLEAD1> comms', 'U0ONCALL01', channel);
    await t.drain();
    expect(t.chat.texts('post', channel).some((m) => m.includes('Update (identified) from @U0ONCALL01: LB health checks failing'))).toBe(true);
    const updates = t.chat.calls.filter((c) => c.method === 'update');
    expect(updates.length).toBeGreaterThan(0);
    const cardTs = t.chat.calls.find((c) => c.method === 'post' && c.channel === channel)!.args;
    expect(updates.every((u) => u.channel === channel && u.args === cardTs)).toBe(true);
    const last = t.chat.texts('update').at(-1)!;
    expect(last).toContain('Status: Identified');
    expect(last).toContain('Comms: @U0ENGLEAD1');
    expect((await listTimeline(t.db, 1)).filter((e) => e.type !== 'step').map((e) => [e.type, e.actor])).toEqual([
      ['declared', 'U0ONCALL01'], ['updated', 'U0ONCALL01'], ['assigned', 'U0ONCALL01'],
    ]);
  });

  it('status shows the card; list shows open incidents', async () => {
    await t.dr('declare sev1 Lagos down');
    await t.dr('declare sev3 Reports slow');
    const status = await t.dr('status INC-2');
    expect(status.message?.blocks.some((b) => b.type === 'header' && b.text === 'INC-2 · SEV-3 · Reports slow')).toBe(true);
    const list = await t.dr('list');
    const lines = list.message!.blocks.flatMap((b) => ('lines' in b ? b.lines.map(plainLine) : []));
    expect(lines[0]).toBe('2 open incidents');
    expect(lines[1]).toMatch(/^INC-1 · SEV-1 · investigating · Lagos down/);
  });

  it('severity change, resolve, reopen', async () => {
    await t.dr('declare sev3 Reports slow', 'U0ONCALL01');
    expect(text(await t.dr('sev INC-1 1 all regions', 'U0OTHER'))).toContain('INC-1 is now SEV-1');
    // Downgrade needs the commander or an incident manager (drbot.yml permissions).
    const refused = await t.dr('sev INC-1 4 calmer now', 'U0OTHER');
    expect(text(refused)).toContain('may downgrade INC-1');
    expect(text(await t.dr('resolve INC-1 fixed the cron', 'U0OTHER'))).toContain('Only');
    expect(text(await t.dr('resolve INC-1 fixed the cron', 'U0ENGLEAD1'))).toContain('INC-1 resolved');
    await t.drain();
    expect(t.chat.texts('post', 'incidents').at(-1)).toContain('INC-1 resolved by @U0ENGLEAD1: fixed the cron');
    expect(text(await t.dr('reopen INC-1 it came back', 'U0ONCALL01'))).toContain('INC-1 reopened');
    expect((await getIncident(t.db, 1))?.status).toBe('investigating');
    // Reopening pages the chain's first paged group again and restarts the update reminders.
    const steps = await listSteps(t.db, 1);
    const repage = steps.find((s) => s.stepId.startsWith('page-reopened-'));
    expect(repage).toMatchObject({ kind: 'page', status: 'pending', params: { to: expect.any(String) } });
    expect(steps.some((s) => s.kind === 'update_due' && s.status === 'pending' && s.stepId.startsWith('update-due-r'))).toBe(true);
  });

  it('a private incident is not announced', async () => {
    await t.dr('declare sev1 Suspicious logins --private');
    await t.drain();
    expect(t.chat.calls.find((c) => c.method === 'createChannel')?.args).toMatchObject({ private: true });
    expect(t.chat.texts('post', 'incidents')).toEqual([]);
  });

  it("a private incident's title never leaves its channel: shared posts say only who leads a private SEV-n incident", async () => {
    await t.dr('declare sev1 Suspicious logins from 41.58.0.0/16 --private', 'U0ONCALL01');
    for (const minutes of [0, 5, 10, 15, 30, 60, 120]) {
      t.clock.set(new Date(new Date('2026-11-24T09:00:00Z').getTime() + minutes * 60_000));
      await t.drain();
    }
    expect(text(await t.dr('list', 'U0ENGLEAD1', 'C0GENERAL'))).toContain('INC-1 · SEV-1 · investigating · private incident led by');
    await t.dr('resolve INC-1 revoked the leaked key', 'U0ONCALL01');
    await t.drain();
    const channel = (await getIncident(t.db, 1))!.channelId!;
    const outside = t.chat.calls.filter((c) => c.method === 'post' && c.channel !== channel).map((c) => JSON.stringify(c.args));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.filter((m) => /Suspicious|41\.58|leaked/.test(m))).toEqual([]);
    expect(t.chat.texts('post', 'voxguard-incidents').some((m) => m.includes('Private SEV-1 incident'))).toBe(true);
    expect(t.chat.texts('post', channel).some((m) => m.includes('Suspicious logins'))).toBe(true);
  });

  it('a Slack failure while opening the channel is retried and nothing is done twice', async () => {
    t.chat.failNext.set('post', [new Error('socket hang up')]);
    await t.dr('declare sev2 DB slow');
    await t.drain();
    t.clock.advance(1000);
    await t.drain();
    expect(t.chat.count('createChannel')).toBe(1);
    expect(t.chat.texts('post', 'incidents')).toHaveLength(1);
    const step = (await t.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM steps WHERE step_id = 'open-channel'`))[0];
    expect(step).toEqual({ status: 'done', attempts: 2 });
  });
});
