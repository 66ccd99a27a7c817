import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { testApp } from '../helpers/app.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';

const min = 60_000;
const ROUTING_KEY = 'R0UTINGKEY0123456789012345678901';

describe('the chain against PagerDuty (TLS stand-in, checked against the Events v2 and REST descriptions) and real SMTP', () => {
  let t: Awaited<ReturnType<typeof testApp>> | undefined;
  let pd: PagerDutyStandIn;
  afterEach(async () => {
    pd?.assertNoViolations();
    await t?.close();
    await pd?.close?.();
    await closeSmtpServers();
  });

  async function start() {
    pd = await PagerDutyStandIn.start({ apiToken: 'pd-api-token-0001' });
    const smtp = await startSmtp();
    t = await testApp({
      env: {
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_API_URL: pd.url, PAGERDUTY_API_TOKEN: 'pd-api-token-0001',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'drbot <drbot@voxguard.example>',
      },
      pagerAgent: new Agent({ ca: pd.caPem }),
    });
    return { t, smtp };
  }
  const at = async (app: NonNullable<typeof t>, minutes: number) => {
    app.clock.set(new Date(new Date('2026-11-24T09:00:00Z').getTime() + minutes * min));
    await app.drain();
  };

  it('pages at once with the incident\'s dedup key; an acknowledgement in PagerDuty stops the escalation', async () => {
    const { t } = await start();
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(t, 0);
    const [trigger] = pd.events;
    expect(trigger).toMatchObject({ event_action: 'trigger', dedup_key: 'drbot-INC-1', routing_key: ROUTING_KEY, payload: { severity: 'critical', source: 'drbot', summary: '[SEV-1] INC-1: Lagos region unreachable' } });
    pd.acknowledge('drbot-INC-1', 'Ada Okafor');
    await at(t, 15);
    const steps = await listSteps(t.db, 1);
    expect(steps.find((s) => s.stepId === 'page-oncall')?.confirmedAt).not.toBeNull();
    expect(steps.find((s) => s.kind === 'ack_check')?.result).toMatchObject({ acknowledged: true, by: 'Ada Okafor' });
    expect(pd.events.filter((e) => e.event_action === 'trigger')).toHaveLength(1);
  });

  it('moving to identified acknowledges the PagerDuty incident', async () => {
    const { t } = await start();
    await t.dr('declare sev2 DB degraded', 'U0ONCALL01');
    await at(t, 0);
    await t.dr('update INC-1 identified replica lag on Abuja', 'U0ONCALL01');
    await t.drain();
    expect(pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([['trigger', 'drbot-INC-1'], ['acknowledge', 'drbot-INC-1']]);
    expect(pd.incidents[0].status).toBe('acknowledged');
  });

  it('no acknowledgement within the response SLA escalates level by level, then says so in the channel', async () => {
    const { t } = await start();
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(t, 0);
    await at(t, 15);
    await at(t, 30);
    await at(t, 45);
    expect(pd.events.filter((e) => e.event_action === 'trigger').map((e) => e.dedup_key)).toEqual(['drbot-INC-1', 'drbot-INC-1-L2', 'drbot-INC-1-L3']);
    const channel = (await getIncident(t.db, 1))!.channelId!;
    const posts = t.chat.texts('post', channel);
    expect(posts.some((p) => p.includes('Escalated to engineering-lead — oncall did not acknowledge within the SEV-1 response time.'))).toBe(true);
    expect(posts.some((p) => p.includes('Escalated to cto'))).toBe(true);
    expect(posts.some((p) => p.includes('No acknowledgement from cto and no further escalation level'))).toBe(true);
    // Resolving resolves every PagerDuty incident drbot opened.
    await t.dr('resolve INC-1 traffic moved to Abuja', 'U0ONCALL01');
    await t.drain();
    expect(pd.events.filter((e) => e.event_action === 'resolve').map((e) => e.dedup_key).sort()).toEqual(['drbot-INC-1', 'drbot-INC-1-L2', 'drbot-INC-1-L3']);
  });

  it('a failing provider is retried, then shown as failed on the card and in the channel, and the chain goes on', async () => {
    const { t } = await start();
    pd.failNext(500, 20);
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    for (let k = 0; k < 12; k++) {
      t.clock.advance(30_000);
      await t.drain();
    }
    const page = (await listSteps(t.db, 1)).find((s) => s.stepId === 'page-oncall')!;
    expect(page.status).toBe('failed');
    expect(page.attempts).toBe(5);
    const channel = (await getIncident(t.db, 1))!.channelId!;
    expect(t.chat.texts('post', channel).some((p) => p.startsWith('✗ PagerDuty → on-call engineer failed'))).toBe(true);
    expect(t.chat.texts('update', channel).at(-1)).toContain('✗ PagerDuty → on-call engineer — failed');
    // The T+5m step still went out.
    expect((await listSteps(t.db, 1)).find((s) => s.stepId === 'slack-engineering')?.status).toBe('done');
  });

  it('a 429 is retried no sooner than its Retry-After', async () => {
    const { t } = await start();
    pd.rateLimitNext(4, 120);
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await t.drain();
    const page = (await listSteps(t.db, 1)).find((s) => s.stepId === 'page-oncall')!;
    expect(page.status).toBe('pending');
    expect(page.dueAt.getTime() - t.clock.now().getTime()).toBeGreaterThanOrEqual(120_000);
    t.clock.advance(121_000);
    await t.drain();
    expect((await listSteps(t.db, 1)).find((s) => s.stepId === 'page-oncall')?.status).toBe('done');
  });

  it('emails the leads from the template at T+10m, and the resolution to the same people', async () => {
    const { t, smtp } = await start();
    await t.dr('declare sev1 Lagos region unreachable', 'U0ONCALL01');
    await at(t, 0);
    await at(t, 10);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.rcptTo.sort()).toEqual(['cto@voxguard.example', 'tunde.bello@voxguard.example']);
    expect(mail.mail.subject).toBe('[SEV-1] Lagos region unreachable (INC-1) — Investigating');
    expect(mail.mail.headers.get('x-drbot-incident')).toBe('INC-1');
    const text = mail.mail.text!;
    expect(text).toContain('INCIDENT: [SEV-1] Lagos region unreachable');
    expect(text).toContain('TIME: 2026-11-24 10:00 WAT');
    expect(text).toContain('RESPONDERS: Ada Okafor, Tunde Bello');
    expect(mail.mail.html).toContain('<th align="left">WAR ROOM</th><td><a href="https://meet.google.com/voxguard-war-room">');
    await t.dr('resolve INC-1 traffic moved to Abuja', 'U0ONCALL01');
    await at(t, 20);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1].mail.subject).toBe('Resolved: [SEV-1] Lagos region unreachable (INC-1)');
    expect(smtp.received[1].rcptTo.sort()).toEqual(['cto@voxguard.example', 'tunde.bello@voxguard.example']);
    expect((await listTimeline(t.db, 1)).some((e) => e.text.startsWith('Resolution email: sent'))).toBe(true);
  });
});
