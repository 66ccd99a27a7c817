import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PagerPort } from '../../src/ports.ts';
import { appendTimeline } from '../../src/store/sql/appendTimeline.ts';
import { getIncident } from '../../src/store/sql/getIncident.ts';
import { listSteps } from '../../src/store/sql/listSteps.ts';
import { testApp } from '../helpers/app.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github/server.ts';

const min = 60_000;
const T0 = new Date('2026-11-24T09:00:00Z').getTime(); // 10:00 WAT
const ADA = 'U0ONCALL01';
const TUNDE = 'U0ENGLEAD1';
const PIR_FILE = 'docs/pir/2026-11-24-inc-1-lagos-region-unreachable.md';
type T = Awaited<ReturnType<typeof testApp>>;

/** PagerDuty wired in at the port: pages go out, and Ada acknowledged at T+3m. */
function fakePager(): PagerPort {
  return {
    trigger: async (p) => ({ dedupKey: p.dedupKey }),
    acknowledge: async () => {},
    resolve: async () => {},
    acknowledgement: async () => ({ acknowledged: true, by: 'Ada Okafor', at: new Date(T0 + 3 * min) }),
  };
}

describe('the PIR pull request for a scripted SEV-1 (GitHub stand-in)', () => {
  let t: T;
  let gh: GitHubStandIn;
  let channel: string;
  beforeEach(async () => {
    gh = await startGitHubStandIn({ owner: 'voxguard', repo: 'incidents', token: 'ghp_test' });
    t = await testApp({ env: { GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'voxguard/incidents', GITHUB_API_URL: gh.url } });
    // PagerDuty itself is tested against its stand-in (delivery.test.ts); here only the PIR is
    // under test, with an acknowledgement at a known time on the manual clock.
    Object.assign(t.app.ctx.pager, fakePager());
  });
  afterEach(async () => {
    await t.close();
    gh.assertNoViolations();
    await gh.close();
  });

  async function at(minutes: number) {
    t.clock.set(new Date(T0 + minutes * min));
    await t.drain();
  }
  const dr = async (text: string, user = ADA, key?: string) => {
    const r = await t.dr(text, user, channel, key);
    expect(r.refused, r.message?.fallback).toBeFalsy();
    await t.drain();
  };
  /** Recovery-command rows as src/service/runbooks writes them (a note with `kind: 'runbook'`). */
  const recovery = (at: number, actor: string, event: string, text: string) =>
    appendTimeline(t.db, 1, [{ type: 'note', at: new Date(T0 + at * min), actor, text, data: { kind: 'runbook', event, run: 1, runbook: 'dns-failover' } }]);

  async function scriptedSev1() {
    await t.dr('declare sev1 Lagos region unreachable', ADA);
    await at(0);
    channel = (await getIncident(t.db, 1))!.channelId!;
    await at(5);
    await at(10);
    t.clock.set(new Date(T0 + 12 * min));
    await dr('update identified Lagos LB health checks failing');
    await at(15);
    await recovery(20, ADA, 'requested', 'Run #1 dns-failover requested: api.voxguard.ng → Abuja (T2, needs admin approval)');
    await recovery(22, TUNDE, 'approved', 'Run #1 dns-failover approved by admin');
    await recovery(25, 'drbot', 'succeeded', 'Run #1 dns-failover succeeded in 41s: Lagos weight 0, Abuja 100');
    await at(30);
    t.clock.set(new Date(T0 + 40 * min));
    await dr('update monitoring --public Traffic served from Abuja; error rate | back to normal <!channel>');
    t.clock.set(new Date(T0 + 50 * min));
    await dr('resolve Failed over to Abuja; Lagos load balancer replaced', ADA, 'resolve-1');
  }

  function timelineRows(doc: string): string[] {
    const section = doc.slice(doc.indexOf('## Timeline'), doc.indexOf('## Root Cause Analysis'));
    return section.split('\n').filter((l) => /^\| \d{4}-/.test(l));
  }

  it('contains every timeline event in order, in WAT, with the right durations, and is linked in the channel', async () => {
    await scriptedSev1();
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]).toMatchObject({ head: 'pir/inc-1', base: 'main', title: 'PIR: INC-1 Lagos region unreachable', state: 'open' });
    const doc = gh.files('pir/inc-1')![PIR_FILE];
    console.log(`PIR rendered for the scripted SEV-1:\n${doc}`);
    expect(doc).toContain('# Post-Incident Review: Lagos region unreachable');
    expect(doc).toContain('- **Date:** 2026-11-24');
    expect(doc).toContain('- **Duration:** 2026-11-24 10:00 WAT - 2026-11-24 10:50 WAT (50m)');
    expect(doc).toContain('- **Severity:** SEV-1 Critical — Total platform outage; all detection offline; NCC compliance at risk');
    expect(doc).toContain('- **Detection Method:** Declared by Ada Okafor with /dr declare');
    expect(doc).toContain('- **Resolution:** Failed over to Abuja; Lagos load balancer replaced');
    expect(doc).toContain('- **Time to acknowledge:** 3m');
    expect(doc).toContain('- **Time to mitigate:** 25m');
    expect(doc).toContain('- **Time to resolve:** 50m');
    expect(doc).toContain('| Time (WAT) | Event |');

    const expected = [
      ['10:00', 'Declared SEV-1: Lagos region unreachable (Ada Okafor)'],
      ['10:00', 'Open the incident channel: sent — opened #inc-20261124-lagos-region-unreachable'],
      ['10:00', 'PagerDuty → on-call engineer: sent — paged oncall (dedup drbot-INC-1)'],
      ['10:03', 'PagerDuty → on-call engineer: acknowledged by Ada Okafor'],
      ['10:05', 'Slack #engineering → engineering team: sent — posted to #engineering'],
      ['10:10', 'Email → engineering lead, CTO: skipped — not sent (no credentials): Email needs SMTP_URL'],
      ['10:12', 'Update by Ada Okafor: Lagos LB health checks failing (status investigating → identified)'],
      ['10:12', 'Status page update: skipped — nothing public to update'],
      ['10:12', 'Acknowledge the PagerDuty incidents: sent — acknowledged drbot-INC-1'],
      ['10:15', 'War room → all responders: sent — war room posted, 3 responders invited'],
      ['10:15', 'Acknowledged within 15m? (oncall): sent — acknowledged by Ada Okafor'],
      ['10:20', 'Run #1 dns-failover requested: api.voxguard.ng → Abuja (T2, needs admin approval) (Ada Okafor)'],
      ['10:22', 'Run #1 dns-failover approved by admin (Tunde Bello)'],
      ['10:25', 'Run #1 dns-failover succeeded in 41s: Lagos weight 0, Abuja 100'],
      ['10:30', 'Email → NCC liaison (compliance impact): skipped — condition "compliance_impact" is false'],
      ['10:30', 'Update due: sent — an update came in time'],
      // User text is escaped for Markdown: the pipe cannot break the table, the mention is inert.
      ['10:40', 'Update (public) by Ada Okafor: Traffic served from Abuja; error rate \\| back to normal \\<!channel\\> (status identified → monitoring)'],
      ['10:40', 'Status page update: skipped — not sent (no credentials): Statuspage needs STATUSPAGE_API_KEY, STATUSPAGE_PAGE_ID'],
      ['10:50', 'Resolved: Failed over to Abuja; Lagos load balancer replaced (Ada Okafor)'],
      ['10:50', 'Resolve the PagerDuty incidents: sent — resolved drbot-INC-1'],
      ['10:50', 'Resolution email: skipped — no one was emailed about this incident'],
      ['10:50', 'Status page update: skipped — not sent (no credentials): Statuspage needs STATUSPAGE_API_KEY, STATUSPAGE_PAGE_ID'],
    ];
    const rows = timelineRows(doc);
    let from = 0;
    for (const [time, event] of expected) {
      const found = rows.findIndex((r, k) => k >= from && r.startsWith(`| 2026-11-24 ${time} | ${event}`));
      expect(found, `"${time} ${event}" after row ${from} in\n${rows.join('\n')}`).toBeGreaterThanOrEqual(from);
      from = found + 1;
    }
    // Nothing else: every row is one of the expected events (posts that echo a command are left out).
    expect(rows).toHaveLength(expected.length);
    expect(doc).toContain('| – | None yet: add one with `/dr action INC-1 <text> [@owner] [due:YYYY-MM-DD]` | | | | |');

    const link = t.chat.texts('post', channel).find((m) => m.startsWith('Post-incident review of INC-1'));
    expect(link).toContain(`the draft is pull request #${gh.pulls[0].number} (https://github.com/voxguard/incidents/pull/${gh.pulls[0].number}) (${PIR_FILE})`);
  });

  it('one PR however often it is asked for: resolve retried, run again after a crash, resolved a second time', async () => {
    await scriptedSev1();
    // The same resolve request again (a Slack retry): answered as before, nothing planted twice.
    await t.dr('resolve Failed over to Abuja; Lagos load balancer replaced', ADA, channel, 'resolve-1');
    // The step run again as after a crash between GitHub's answer and the done mark (the stored ref lost too).
    await t.db.query(`DELETE FROM external_refs WHERE kind = 'pir'`);
    await t.db.query(`UPDATE steps SET status = 'pending', due_at = $1 WHERE kind = 'pir_doc'`, [t.clock.now()]);
    await t.drain();
    // Reopened and resolved again: the PIR steps of the new resolution find the same PR.
    await dr('reopen the Lagos LB failed again');
    t.clock.set(new Date(T0 + 70 * min));
    await dr('resolve Lagos LB replaced again');
    expect(gh.pulls).toHaveLength(1);
    expect(gh.branches().filter((b) => b.startsWith('pir/'))).toEqual(['pir/inc-1']);
    const pirSteps = (await listSteps(t.db, 1)).filter((s) => s.kind === 'pir_doc');
    expect(pirSteps.map((s) => s.status)).toEqual(['done', 'done']);
    expect(t.chat.texts('post', channel).at(-1)).toContain('The post-incident review of INC-1 is still pull request #1');
  });

  it('a GitHub failure is retried, then shown in the channel; /dr pir retry opens the PR', async () => {
    for (let k = 0; k < 5; k++) gh.failNext(502, 'pulls/create');
    await scriptedSev1();
    for (let k = 0; k < 5; k++) {
      t.clock.set(new Date(t.clock.now().getTime() + min));
      await t.drain();
    }
    expect(gh.pulls).toHaveLength(0);
    const failed = t.chat.texts('post', channel).find((m) => m.includes('PIR pull request on GitHub failed'));
    expect(failed).toContain('✗ PIR pull request on GitHub failed: `/dr pir retry` tries again — GitHub could not open the pull request (502');
    expect(failed).toContain('(after 5 tries)');

    const reply = await t.dr('pir retry', TUNDE, channel, 'retry-1');
    expect(reply.message?.fallback).toBe('Trying again for INC-1: PIR pull request on GitHub.');
    // The same request again (a Slack retry) answers the same and plants nothing more.
    expect(await t.dr('pir retry', TUNDE, channel, 'retry-1')).toEqual(reply);
    await t.drain();
    expect(gh.pulls).toHaveLength(1);
    expect((await listSteps(t.db, 1)).filter((s) => s.kind === 'pir_doc').map((s) => s.status)).toEqual(['failed', 'done']);
    const again = await t.dr('pir retry', TUNDE, channel);
    expect(again.message?.fallback).toBe('Nothing to retry: the PIR is https://github.com/voxguard/incidents/pull/1.');
  });

  it('/dr pir retry before the resolution, and a cancelled incident gets no PIR', async () => {
    await t.dr('declare sev2 DB slow', ADA);
    await t.drain();
    channel = (await getIncident(t.db, 1))!.channelId!;
    const early = await t.dr('pir retry', ADA, channel);
    expect(early.message?.fallback).toBe('Nothing to retry: INC-1 is investigating: its PIR is opened when it is resolved.');
    await dr('cancel probe misconfigured');
    expect((await listSteps(t.db, 1)).filter((s) => s.source === 'pir')).toEqual([]);
    expect(gh.calls).toEqual([]);
  });
});
