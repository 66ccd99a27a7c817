import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/inbound.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { githubTestApp } from '../helpers/githubApp.ts';
import type { GitHubStandIn } from '../standins/github/server.ts';

const hour = 3_600_000;
const day = 24 * hour;
const ADA = 'U0ONCALL01';
const TUNDE = 'U0ENGLEAD1';
const T0 = new Date('2026-11-24T09:00:00Z').getTime();
type T = Awaited<ReturnType<typeof githubTestApp>>['t'];

describe('the PIR timeline on the durable schedule, and pins and reactions', () => {
  let t: T;
  let gh: GitHubStandIn;
  let channel: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ t, gh, channel, close } = await githubTestApp());
  });
  afterEach(async () => {
    await close();
  });

  const event = (e: Partial<ChatEvent>) => t.app.handlers.event({ type: 'pin_added', eventId: 'Ev1', channelId: channel, userId: TUNDE, ...e });
  async function at(ms: number) {
    t.clock.set(new Date(T0 + ms));
    await t.drain();
  }
  const posts = () => t.chat.texts('post', channel);

  it('posts each stage when due after the resolution; T+30d reads the issues and reports the open ones', async () => {
    await t.dr(`action Add a health check on the Abuja LB <@${TUNDE}> due:2026-12-01`, ADA, channel);
    await t.dr('action Alert on replica lag above 30s', ADA, channel);
    await at(hour);
    await t.dr('resolve replica caught up after vacuum', ADA, channel);
    await t.drain();
    const stages = (await listSteps(t.db, 1)).filter((s) => s.kind === 'pir_timer');
    expect(stages.map((s) => [s.label, (s.dueAt.getTime() - T0 - hour) / hour])).toEqual([
      ['PIR T+2h: initial incident summary posted', 2], ['PIR T+24h: timeline reconstruction begins', 24],
      ['PIR T+48h: PIR document drafted', 48], ['PIR T+72h: PIR meeting scheduled', 72], ['PIR T+5d: PIR meeting conducted', 120],
      ['PIR T+7d: action items assigned', 168], ['PIR T+30d: action items completion review', 720],
    ]);
    const before = posts().length;
    await at(hour + 2 * hour - 1000);
    expect(posts()).toHaveLength(before);
    await at(hour + 2 * hour);
    const summary = posts().at(-1)!;
    expect(summary).toContain('INC-1 incident summary — SEV-2 Major: Abuja replica lagging');
    expect(summary).toContain('2026-11-24 10:00 WAT – 2026-11-24 11:00 WAT (1h). Time to acknowledge not recorded, to mitigate 1h, to resolve 1h.');
    expect(summary).toContain('Post-incident review: PIR pull request #3 (https://github.com/voxguard/incidents/pull/3)');
    expect(t.chat.texts('post', 'incidents').at(-1)).toBe(summary);

    // A message pinned during timeline reconstruction, posted back at 10:30 WAT.
    await at(hour + 30 * hour);
    expect(posts().at(-1)).toContain('@U0ONCALL01 timeline reconstruction for INC-1 starts now');
    await event({ eventId: 'EvPin', ts: String((T0 + 30 * 60_000) / 1000), text: 'Replica lag alert fired at 10:30, nobody looked' });
    await at(hour + 48 * hour);
    expect(posts().at(-1)).toContain('the PIR document of INC-1 is due now: PIR pull request #3');
    expect(posts().at(-1)).toContain('Added to the timeline since the draft was opened (copy them into the PIR):\n2026-11-24 10:30 WAT — Pinned message: "Replica lag alert fired at 10:30, nobody looked" (Tunde Bello)');
    await at(hour + 72 * hour);
    expect(posts().at(-1)).toContain('schedule the PIR meeting for INC-1 now');
    await at(hour + 5 * day);
    expect(posts().at(-1)).toContain('the PIR meeting for INC-1 is due today');
    await at(hour + 7 * day);
    expect(posts().at(-1)).toContain('action items of INC-1 should be assigned by now; 1 of 2 are not:\n2. Alert on replica lag above 30s — unassigned, due not set — #2 (https://github.com/voxguard/incidents/issues/2) no owner, no due date');

    gh.closeIssue(1);
    await at(hour + 30 * day);
    const review = posts().at(-1)!;
    expect(review).toContain('action items completion review of INC-1: 1 of 2 still open');
    expect(review).toContain('2. Alert on replica lag above 30s — unassigned, due not set — #2 (https://github.com/voxguard/incidents/issues/2) open');
    expect(review).not.toContain('Add a health check');
    expect(gh.calls.filter((c) => c.operationId === 'issues/get').map((c) => c.path)).toEqual(['/repos/voxguard/incidents/issues/1', '/repos/voxguard/incidents/issues/2']);
    expect((await listSteps(t.db, 1)).filter((s) => s.kind === 'pir_timer').map((s) => s.status)).toEqual(Array(7).fill('done'));
  });

  it('a reopened incident skips the stages of its earlier resolution; a new resolution starts its own', async () => {
    await t.dr('resolve replica caught up', ADA, channel);
    await at(hour);
    await t.dr('reopen lagging again', ADA, channel);
    await at(3 * hour);
    await t.dr('resolve replica rebuilt', ADA, channel);
    await at(5 * hour);
    const timers = (await listSteps(t.db, 1)).filter((s) => s.kind === 'pir_timer' && s.stepId.startsWith('pir-summary'));
    expect(timers.map((s) => s.status)).toEqual(['skipped', 'done']);
    expect((await listTimeline(t.db, 1)).map((e) => e.text)).toContain('PIR T+2h: initial incident summary posted: skipped — INC-1 is investigating: this PIR timer no longer applies (late by 1h)');
    expect(posts().filter((m) => m.includes('incident summary'))).toHaveLength(1);
  });

  it('a pinned message or the configured emoji adds the message once, at its time; other events are ignored', async () => {
    t.clock.set(new Date(T0 + 20 * 60_000));
    const ts = String((T0 + 5 * 60_000) / 1000 + 0.000123);
    const later = String((T0 + 7 * 60_000) / 1000);
    await event({ eventId: 'Ev1', ts, text: 'Lagos  LB\nreturning 503s' });
    await event({ eventId: 'Ev1', ts, text: 'Lagos LB returning 503s' }); // Slack redelivers
    await event({ type: 'reaction_added', eventId: 'Ev2', ts, reaction: 'pushpin', userId: ADA }); // the same message again
    await event({ type: 'reaction_added', eventId: 'Ev3', ts: later, reaction: 'pushpin', userId: ADA });
    await event({ type: 'reaction_added', eventId: 'Ev4', ts: `${later}1`, reaction: 'thumbsup', userId: ADA });
    await event({ eventId: 'Ev5', channelId: 'C0GENERAL', ts: `${later}2`, text: 'not an incident channel' });
    const notes = (await listTimeline(t.db, 1)).filter((e) => e.type === 'note');
    expect(notes.map((e) => [e.at.toISOString(), e.actor, e.text])).toEqual([
      ['2026-11-24T09:05:00.000Z', TUNDE, 'Pinned message: "Lagos LB returning 503s"'],
      ['2026-11-24T09:07:00.000Z', ADA, 'Message marked :pushpin: for the timeline'],
    ]);
  });
});
