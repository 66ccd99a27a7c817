import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { plantSteps } from '../../src/store/sql/plantSteps.ts';
import { testApp } from '../helpers/app.ts';

const min = 60_000;
type T = Awaited<ReturnType<typeof testApp>>;

describe('the SEV-1 notification chain on the durable schedule (manual clock)', () => {
  let t: T;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function at(minutes: number) {
    t.clock.set(new Date(new Date('2026-11-24T09:00:00Z').getTime() + minutes * min));
    await t.drain();
  }
  const stepStatus = async () => Object.fromEntries((await listSteps(t.db, 1)).map((s) => [s.stepId, s.status]));

  it('runs each step when due, records what it could not send, and shows the chain on the card', async () => {
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(0);
    expect(await stepStatus()).toMatchObject({ 'open-channel': 'done', 'page-oncall': 'skipped', 'slack-engineering': 'pending' });
    await at(4);
    expect(t.chat.texts('post', 'voxguard-incidents')).toEqual([]);
    await at(5);
    const [initial] = t.chat.texts('post', 'voxguard-incidents');
    expect(initial).toContain('*INCIDENT:* [SEV-1] Lagos region unreachable');
    expect(initial).toContain('*RESPONDERS:* Ada Okafor, Tunde Bello');
    expect(initial).toContain('*WAR ROOM:* https://meet.google.com/voxguard-war-room');
    expect(initial).toContain('*NEXT UPDATE:* 2026-11-24 10:30 WAT');
    await at(15);
    const channel = (await getIncident(t.db, 1))!.channelId!;
    expect(t.chat.texts('post', channel).some((m) => m.includes('War room for INC-1 is open: https://meet.google.com/voxguard-war-room'))).toBe(true);
    const invited = t.chat.calls.filter((c) => c.method === 'invite').flatMap((c) => c.args as string[]);
    expect(new Set(invited)).toEqual(new Set(['U0ONCALL01', 'U0ENGLEAD1', 'U0CTO00001']));
    await at(30);
    await at(60);
    expect(await stepStatus()).toMatchObject({
      'email-leads': 'skipped', 'war-room': 'done', 'email-regulator': 'skipped', 'status-page': 'skipped',
    });
    const texts = (await listTimeline(t.db, 1)).map((e) => e.text);
    expect(texts).toContain('Email → NCC liaison (compliance impact): skipped — condition "compliance_impact" is false');
    // Due at T+10m, run at the T+15m pass of this test: late, and said so.
    expect(texts).toContain('Email → engineering lead, CTO: skipped — not sent (no credentials): Email needs SMTP_URL (late by 5m)');
    const card = t.chat.texts('update', channel).at(-1)!;
    expect(card).toContain('✓ Slack #engineering → engineering team — sent 2026-11-24 10:05 WAT');
    expect(card).toContain('– PagerDuty → on-call engineer — skipped: not sent (no credentials): PagerDuty needs PAGERDUTY_ROUTING_KEY');
    expect(card).toContain('– Email → NCC liaison (compliance impact) — skipped: condition "compliance_impact" is false');
  });

  it('reminds the commander when no update came within the cadence, and the card says overdue', async () => {
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(0);
    const channel = (await getIncident(t.db, 1))!.channelId!;
    await at(20);
    await t.dr('update identified LB health checks failing', 'U0ONCALL01', channel);
    await at(30);
    expect(t.chat.texts('post', channel).filter((m) => m.includes('update overdue'))).toEqual([]);
    await at(50);
    const [reminder] = t.chat.texts('post', channel).filter((m) => m.includes('update overdue'));
    expect(reminder).toContain('@U0ONCALL01 update overdue for INC-1 — the last one was 30m ago (cadence 30m)');
    expect(t.chat.texts('update', channel).at(-1)).toContain('Next update due: 2026-11-24 10:50 WAT — update overdue');
    await t.dr('update still on it', 'U0ONCALL01', channel);
    await at(79);
    expect(t.chat.texts('post', channel).filter((m) => m.includes('update overdue'))).toHaveLength(1);
  });

  it("a templated step shows the latest update's text, read with the incident", async () => {
    await t.dr('declare sev2 Payments slow', 'U0ONCALL01');
    await at(0);
    await at(10);
    await t.dr('update INC-1 identified card processor timing out', 'U0ONCALL01');
    await at(12);
    await t.dr('update INC-1 failing over to the second processor', 'U0ONCALL01');
    expect((await getIncident(t.db, 1))!.lastUpdateNote).toBe('failing over to the second processor');
    await at(30);
    const [eta] = t.chat.texts('post', 'voxguard-incidents').filter((m) => m.includes('please post an ETA'));
    expect(eta).toContain('Latest: failing over to the second processor');
  });

  it('/dr sev re-plans: an upgrade adds the missing steps, a downgrade cancels the ones the new chain lacks', async () => {
    await t.dr('declare sev3 Reports slow', 'U0ONCALL01');
    await at(10);
    expect(await stepStatus()).toMatchObject({ 'slack-alerts': 'done', ticket: 'pending', 'engineer-assigned': 'pending' });
    await t.dr('sev INC-1 1 whole platform down', 'U0ONCALL01');
    await t.drain();
    // SEV-1's T+0 and T+5m steps were overdue: they run now. Its later steps keep their times.
    expect(await stepStatus()).toMatchObject({ 'page-oncall': 'skipped', 'slack-engineering': 'done', 'war-room': 'pending', 'ticket': 'pending' });
    await t.dr('sev INC-1 2 only Lagos', 'U0ONCALL01');
    await t.drain();
    const s = await stepStatus();
    expect(s).toMatchObject({ 'war-room': 'cancelled', 'status-page': 'cancelled', 'email-regulator': 'cancelled', 'email-leads': 'skipped', ticket: 'cancelled', 'slack-engineering': 'done', 'email-lead': 'pending', 'slack-eta': 'pending' });
    // A step id that already ran is not run again after going back up.
    await t.dr('sev INC-1 1 worse again', 'U0ONCALL01');
    await t.drain();
    expect(t.chat.texts('post', 'voxguard-incidents')).toHaveLength(1);
  });

  it('/dr sev SEV-1 → 2 → 1 gives back the war room, CTO and regulator mails and the status page', async () => {
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(1);
    const down = await t.dr('sev INC-1 2 only Lagos', 'U0ONCALL01');
    expect(down.message?.fallback).toBe('INC-1 is now SEV-2. 2 chain step(s) added, 4 cancelled.');
    expect(await stepStatus()).toMatchObject({ 'email-leads': 'cancelled', 'war-room': 'cancelled', 'email-regulator': 'cancelled', 'status-page': 'cancelled' });
    const up = await t.dr('sev INC-1 1 Abuja degraded too', 'U0ONCALL01');
    expect(up.message?.fallback).toBe('INC-1 is now SEV-1. 4 chain step(s) added, 0 cancelled.');
    expect(await stepStatus()).toMatchObject({ 'email-leads': 'pending', 'war-room': 'pending', 'email-regulator': 'pending', 'status-page': 'pending' });
    await at(61);
    expect(await stepStatus()).toMatchObject({
      'page-oncall': 'skipped', 'slack-engineering': 'done', 'email-leads': 'skipped', 'war-room': 'done', 'email-regulator': 'skipped', 'status-page': 'skipped',
    });
    const channel = (await getIncident(t.db, 1))!.channelId!;
    expect(t.chat.texts('post', channel).filter((m) => m.includes('War room for INC-1 is open'))).toHaveLength(1);
    // The steps that ran before the round trip ran once.
    expect(t.chat.texts('post', 'voxguard-incidents').filter((m) => m.includes('*INCIDENT:* [SEV-1]'))).toHaveLength(1);
  });

  it('resolve cancels every pending chain step and reminder', async () => {
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(1);
    await t.dr('resolve INC-1 false path, fixed', 'U0ONCALL01');
    await at(90);
    const steps = await listSteps(t.db, 1);
    expect(steps.filter((s) => s.source === 'chain' && s.status === 'pending')).toEqual([]);
    expect(steps.find((s) => s.stepId === 'war-room')?.status).toBe('cancelled');
    expect(steps.find((s) => s.stepId === 'update-due-1')?.status).toBe('cancelled');
    expect(t.chat.texts('post', 'voxguard-incidents')).toEqual([]);
  });

  it('steps that fell due while drbot was down run at start, marked late', async () => {
    await t.dr('declare sev2 DB degraded', 'U0ONCALL01');
    await at(0);
    // Nothing ran between T+0 and T+40m (drbot was down): the next pass runs them, late.
    await at(40);
    const texts = (await listTimeline(t.db, 1)).map((e) => e.text);
    expect(texts.find((x) => x.startsWith('Slack #engineering'))).toMatch(/sent — posted to #engineering \(late by 35m\)/);
    expect(texts.find((x) => x.startsWith('Slack update with ETA'))).toMatch(/\(late by 10m\)/);
    expect(t.chat.texts('post', 'voxguard-incidents')).toHaveLength(2);
  });
});

describe('a step whose params do not fit its kind', () => {
  it('fails with what was wrong instead of running, and the chain goes on', async () => {
    const t = await testApp();
    try {
      await t.dr('declare sev3 Abuja latency up', 'U0ONCALL01');
      await t.drain();
      await plantSteps(t.db, 1, [{ stepId: 'broken-page', kind: 'page', source: 'chain', label: 'PagerDuty → nobody', dueAt: t.clock.now(), params: { to: 42 } }]);
      await t.drain();
      const broken = (await listSteps(t.db, 1)).find((s) => s.stepId === 'broken-page')!;
      expect(broken.status).toBe('failed');
      expect(broken.lastError).toMatch(/^bad params for a page step: to: /);
      const channel = (await getIncident(t.db, 1))!.channelId!;
      expect(t.chat.texts('post', channel).some((m) => m.includes('PagerDuty → nobody failed'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
