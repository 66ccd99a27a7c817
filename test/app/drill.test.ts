import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { listTimeline } from '../../src/store/sql/listTimeline.ts';
import { testApp } from '../helpers/app.ts';
import { testConfigDir } from '../helpers/configDir.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github/server.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';
import { startSmtp, closeSmtpServers } from '../standins/smtp.ts';
import { startStatusPageStandIn, type StatusPageStandIn } from '../standins/statuspage/server.ts';

const T0 = new Date('2026-11-24T09:00:00Z').getTime(); // 10:00 WAT
const ROUTING_KEY = 'R0UTINGKEY0123456789012345678901';
const ADA = 'U0ONCALL01';

/** The SEV-1 chain compressed to seconds (as the chain tests do), with a 20 s response SLA. */
const compressed = () => testConfigDir({
  'notifications/sev1.yml': (d) => {
    const at: Record<string, string> = { 'page-oncall': '0s', 'slack-engineering': '5s', 'email-leads': '10s', 'war-room': '15s', 'email-regulator': '30s', 'status-page': '60s' };
    for (const s of d.steps) s.at = at[s.id];
  },
  'drbot.yml': (d) => {
    d.severities.sev1.response_sla = '20s';
  },
});

describe('a compressed communication drill against the stand-ins (manual clock)', () => {
  let t: Awaited<ReturnType<typeof testApp>> | undefined;
  let pd: PagerDutyStandIn | undefined;
  let gh: GitHubStandIn | undefined;
  let sp: StatusPageStandIn | undefined;
  afterEach(async () => {
    pd?.assertNoViolations();
    gh?.assertNoViolations();
    sp?.assertNoViolations();
    await t?.close();
    await pd?.close?.();
    await gh?.close();
    await sp?.close();
    await closeSmtpServers();
  });

  async function start() {
    pd = await PagerDutyStandIn.start({ apiToken: 'pd-api-token-0001' });
    gh = await startGitHubStandIn({ owner: 'voxguard', repo: 'incidents', token: 'ghp_test' });
    sp = await startStatusPageStandIn({ apiKey: 'sp-key', pageId: 'page1', components: { cmp_detection_engine: 'Detection engine' } });
    const smtp = await startSmtp();
    t = await testApp({
      configDir: compressed(),
      env: {
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_API_URL: pd.url, PAGERDUTY_API_TOKEN: 'pd-api-token-0001',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_FROM: 'drbot <drbot@voxguard.example>',
        GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'voxguard/incidents', GITHUB_API_URL: gh.url,
        STATUSPAGE_API_KEY: 'sp-key', STATUSPAGE_PAGE_ID: 'page1', STATUSPAGE_API_URL: sp.url,
      },
      pagerAgent: new Agent({ ca: pd.caPem }),
    });
    return { t, smtp, pd, gh, sp };
  }
  const at = async (s: number) => {
    t!.clock.set(new Date(T0 + s * 1000));
    await t!.drain();
  };
  const received = (stepId: string, user: string, key: string) =>
    t!.app.handlers.button({ requestKey: key, userId: user, action: 'drill.received', value: `1:${stepId}` });

  it('lists the scenarios; an unknown name is refused with the list and creates nothing', async () => {
    const { t } = await start();
    const list = await t.dr('drill');
    expect(list.message?.fallback).toContain('communication-drill');
    expect(list.message?.fallback).toContain('dns-failover-drill');
    const bad = await t.dr('drill lagos-meltdown');
    expect(bad.refused).toBe(true);
    expect(bad.message?.fallback).toContain('There is no drill `lagos-meltdown`. Drills: communication-drill, dns-failover-drill, tabletop-regional-outage. Nothing was started.');
    expect(await getIncident(t.db, 1)).toBeUndefined();
  });

  it('times every step, marks everything DRILL, never reaches Statuspage or the regulator, and reports against the stand-ins\' timestamps', async () => {
    const { t, smtp, pd, gh, sp } = await start();
    const r = await t.dr('drill communication-drill', ADA);
    expect(r.refused, r.message?.fallback).toBeFalsy();
    await at(0);
    const i = (await getIncident(t.db, 1))!;
    expect(i.mode).toBe('drill');
    expect(i.channelName).toContain('drill');
    // Ticks of 3 s: a step due at 5 s runs at 6 s (1 s late), one due at 10 s at 12 s (2 s late).
    for (let s = 3; s <= 15; s += 3) {
      await at(s);
      if (s === 6) expect((await received('slack-engineering', 'U0ENGLEAD1', 'rcv-1')).message?.fallback).toContain('received');
    }
    // Ada acknowledges in PagerDuty at T+8s (the stand-in's own record of it).
    const ackAt = new Date(T0 + 8_000);
    const pdIncident = pd.acknowledge('drbot-INC-1', 'Ada Okafor');
    pdIncident.acknowledgements[0].at = ackAt;
    // (PagerDuty clears acknowledgements when the incident is resolved: keep the stand-in's record.)
    const pdAck = pdIncident.acknowledgements[0].at;
    await received('war-room', 'U0CTO00001', 'rcv-2');
    // A second press changes nothing.
    expect((await received('war-room', 'U0ONCALL01', 'rcv-3')).message?.fallback).toContain('Already recorded');
    for (let s = 18; s <= 63; s += 3) await at(s);

    const end = await t.dr('drill end rpo=0s all went to plan', ADA, i.channelId!);
    expect(end.refused, end.message?.fallback).toBeFalsy();
    await t.drain();

    // Nothing went to Statuspage or the regulator; the timeline says where it would have gone.
    expect(sp.calls).toEqual([]);
    expect(smtp.received.flatMap((m) => m.rcptTo)).not.toContain('ncc-liaison@voxguard.example');
    const steps = await listSteps(t.db, 1);
    const step = (id: string) => steps.find((s) => s.stepId === id)!;
    expect(step('status-page').lastError).toBe('not sent: drill (would have gone to the public status page and Statuspage (components cmp_detection_engine) at 2026-11-24 10:01 WAT)');
    expect(step('email-regulator').lastError).toBe('not sent: drill (would have gone to the regulator: ncc-liaison@voxguard.example at 2026-11-24 10:00 WAT)');

    // Every page, mail and post says DRILL.
    const triggers = pd.events.filter((e) => e.event_action === 'trigger');
    expect(triggers.length).toBeGreaterThan(0);
    for (const e of triggers) expect(e.payload?.summary).toMatch(/^\[DRILL\] /);
    expect(smtp.received.length).toBeGreaterThan(0);
    for (const m of smtp.received) {
      expect(m.mail.subject).toMatch(/^\[DRILL\] /);
      expect(m.raw).toContain('THIS IS A DRILL');
    }
    const posts = t.chat.calls.filter((c) => c.method === 'post');
    expect(posts.length).toBeGreaterThan(4);
    for (const p of posts) expect(p.message!.fallback).toMatch(/^\[DRILL\] /);
    for (const u of t.chat.calls.filter((c) => c.method === 'update')) expect(u.message!.fallback).toContain('DRILL');
    const announce = t.chat.texts('post', 'incidents')[0];
    expect(announce).toContain('DRILL — INC-1 declared — SEV-1 Critical');

    // Each step records due, sent, confirmed; lateness is measured against its planned time.
    expect(step('page-oncall')).toMatchObject({ sentAt: new Date(T0), confirmedAt: ackAt });
    expect(step('slack-engineering')).toMatchObject({ sentAt: new Date(T0 + 6_000), confirmedAt: new Date(T0 + 6_000) });
    expect(step('email-leads')).toMatchObject({ sentAt: new Date(T0 + 12_000), confirmedAt: null });

    // The report: a pull request on GitHub, its numbers from what the stand-ins recorded.
    const report = steps.find((s) => s.kind === 'drill_report')!;
    expect(report.status).toBe('done');
    // The acknowledgement time as PagerDuty (the stand-in) recorded it.
    expect(step('page-oncall').confirmedAt).toEqual(pdAck);
    // Detected at the first confirmation: the Received press at T+6s, before PagerDuty's acknowledgement.
    expect(report.result).toMatchObject({ passed: true, timeToDetectMs: 6_000, latenessP99Ms: 2_000 });
    const file = gh.files('drill/inc-1')!['docs/drills/2026-11-24-inc-1-communication-drill.md'];
    expect(file).toContain('# DRILL report: Communication drill');
    expect(file).toContain('| PagerDuty → on-call engineer | 2026-11-24 10:00:00 | 2026-11-24 10:00:00 | 2026-11-24 10:00:08 | 0s | on time |');
    expect(file).toContain('| Slack #engineering → engineering team | 2026-11-24 10:00:05 | 2026-11-24 10:00:06 | 2026-11-24 10:00:06 | 1s | on time |');
    expect(file).toContain('| Email → engineering lead, CTO | 2026-11-24 10:00:10 | 2026-11-24 10:00:12 | — | 2s | on time |');
    expect(file).toMatch(/\| Status page update → external stakeholders \| .* \| withheld \(drill\) \|/);
    expect(file).toContain('| All notified within SLA | every chain step sent and confirmed within 20s | 4 of 4 on time | PASS |');
    expect(file).toContain('**Time to detect:** 6s');
    expect(gh.pulls[0].title).toBe('DRILL report: INC-1 Communication drill — SEV-1 notification chain validation');
    expect(t.chat.texts('post', i.channelId!).some((p) => p.includes('Drill report of INC-1: PASSED'))).toBe(true);

    // Not counted as a real incident; no PIR.
    expect(steps.some((s) => s.kind === 'pir_doc')).toBe(false);

    // Unreviewed after 48 h: reminded in the channel.
    t.clock.set(new Date(T0 + 63_000 + 48 * 3_600_000));
    await t.drain();
    expect(t.chat.texts('post', i.channelId!).some((p) => p.includes('The drill report of INC-1 is still not reviewed'))).toBe(true);
    expect((await listTimeline(t.db, 1)).some((e) => e.text.startsWith('Received: Slack #engineering'))).toBe(true);
  });

  it('a late or unconfirmed step fails "all notified within SLA" with the step named', async () => {
    const { t } = await start();
    await t.dr('drill communication-drill', ADA);
    await at(0);
    await at(40); // everything up to T+30s ran 10-40 s late; nothing confirmed
    const channel = (await getIncident(t.db, 1))!.channelId!;
    await t.dr('drill end', ADA, channel);
    await t.drain();
    const report = (await listSteps(t.db, 1)).find((s) => s.kind === 'drill_report')!;
    expect(report.result).toMatchObject({ passed: false });
    const crit = (report.result!.criteria as { name: string; result: string; measured: string }[])[0];
    expect(crit.result).toBe('fail');
    expect(crit.measured).toContain('Slack #engineering → engineering team: late');
  });
});
