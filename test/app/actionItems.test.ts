import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listActionItems } from '../../src/store/sql/listActionItems.ts';
import { testApp } from '../helpers/app.ts';
import { githubTestApp } from '../helpers/githubApp.ts';
import type { GitHubStandIn } from '../standins/github/server.ts';

const ADA = 'U0ONCALL01';
const TUNDE = 'U0ENGLEAD1';
type T = Awaited<ReturnType<typeof githubTestApp>>['t'];

describe('action items become GitHub issues (GitHub stand-in)', () => {
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

  it('/dr action during the incident opens one labelled issue per item, even when the request comes twice', async () => {
    const reply = await t.dr(`action Add a health check on the Abuja LB <@${TUNDE}> due:2026-12-01`, ADA, channel, 'act-1');
    expect(reply.message?.fallback).toContain('Action item 1 recorded for INC-1, owner Tunde Bello, due 2026-12-01.');
    expect(await t.dr(`action Add a health check on the Abuja LB <@${TUNDE}> due:2026-12-01`, ADA, channel, 'act-1')).toEqual(reply);
    await t.drain();
    expect(gh.issues).toHaveLength(1);
    const [issue] = gh.issues;
    expect(issue).toMatchObject({ title: 'INC-1 action 1: Add a health check on the Abuja LB', labels: ['pir'], state: 'open' });
    expect(issue.body).toContain('**Owner:** Tunde Bello');
    expect(issue.body).toContain('**Due:** 2026-12-01');
    // Before the resolution, the body says where the PIR will be.
    expect(issue.body).toContain('**PIR:** `docs/pir/2026-11-24-inc-1-abuja-replica-lagging.md` on branch `pir/inc-1`');
    expect(issue.body).toContain('<!-- drbot:INC-1:action:1 -->');
    expect(t.chat.texts('post', channel).at(-1)).toBe('Action item 1 of INC-1 is issue #1 (https://github.com/voxguard/incidents/issues/1): Add a health check on the Abuja LB');
    expect(await listActionItems(t.db, 1)).toMatchObject([{ n: 1, owner: TUNDE, due: '2026-12-01', issueNumber: 1 }]);

    // The issue step run again (a crash before its done mark) finds the issue by its marker.
    await t.db.query('UPDATE action_items SET issue_number = NULL');
    await t.db.query(`UPDATE steps SET status = 'pending' WHERE kind = 'pir_action_issue'`);
    await t.drain();
    expect(gh.issues).toHaveLength(1);
  });

  it('the PIR lists the items, each issue links back to it, and /dr actions shows their state', async () => {
    await t.dr(`action Add a health check on the Abuja LB <@${TUNDE}> due:2026-12-01`, ADA, channel);
    await t.dr('action Alert on replica lag above 30s', ADA, channel);
    await t.drain();
    await t.dr('resolve replica caught up after vacuum', ADA, channel);
    await t.drain();
    const [pr] = gh.pulls;
    const doc = Object.entries(gh.files('pir/inc-1')!).find(([p]) => p.startsWith('docs/pir/'))![1];
    expect(doc).toContain('| 1 | Add a health check on the Abuja LB | Tunde Bello | 2026-12-01 | P2 | #1 https://github.com/voxguard/incidents/issues/1 |');
    expect(doc).toContain('| 2 | Alert on replica lag above 30s | unassigned | not set | P2 | #2 https://github.com/voxguard/incidents/issues/2 |');
    const linked = `The post-incident review of INC-1 is in https://github.com/voxguard/incidents/pull/${pr.number}`;
    expect(gh.issues.map((i) => i.comments)).toEqual([[linked], [linked]]);

    // After the resolution: the body links the pull request itself.
    await t.dr('action INC-1 Document the vacuum procedure', TUNDE, 'C0GENERAL');
    await t.drain();
    expect(gh.issues[2].body).toContain(`**PIR:** https://github.com/voxguard/incidents/pull/${pr.number}`);
    expect(gh.issues[2].comments).toEqual([]);

    gh.closeIssue(1);
    const list = await t.dr('actions', ADA, channel);
    expect(list.message?.fallback.split('\n')).toEqual([
      'Action items of INC-1',
      '1. Add a health check on the Abuja LB — Tunde Bello, due 2026-12-01 — #1 (https://github.com/voxguard/incidents/issues/1) closed',
      '2. Alert on replica lag above 30s — unassigned, due not set — #2 (https://github.com/voxguard/incidents/issues/2) open',
      `3. Document the vacuum procedure — unassigned, due not set — #${gh.issues[2].number} (https://github.com/voxguard/incidents/issues/${gh.issues[2].number}) open`,
    ]);
  });

  it('refuses what it cannot use, and says so when GitHub has no credentials', async () => {
    const bad = await t.dr('action fix it due:tomorrow', ADA, channel);
    expect(bad.refused).toBe(true);
    expect(bad.message?.fallback).toContain('`tomorrow` is not a date. Write due:YYYY-MM-DD');
    const nowhere = await t.dr('action fix it', ADA, 'C0GENERAL');
    expect(nowhere.refused).toBe(true);
    expect(nowhere.message?.fallback).toContain('This is not an incident channel');
    expect(await listActionItems(t.db, 1)).toEqual([]);
    expect((await t.dr('actions', ADA, channel)).message?.fallback).toContain('INC-1 has no action items.');

    const bare = await testApp();
    try {
      await bare.dr('declare sev3 Reports slow', ADA);
      await bare.drain();
      await bare.dr('action INC-1 Cache the report query', ADA);
      await bare.drain();
      const list = await bare.dr('actions INC-1', ADA);
      expect(list.message?.fallback.split('\n')).toEqual([
        'Action items of INC-1',
        '1. Cache the report query — unassigned, due not set — issue not filed yet',
        '/dr pir retry files the missing issues (the last try said: not sent (no credentials): GitHub needs GITHUB_TOKEN, GITHUB_REPO).',
      ]);
    } finally {
      await bare.close();
    }
  });
});
