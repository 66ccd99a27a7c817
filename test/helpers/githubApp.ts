import { getIncident } from '../../src/store/sql/getIncident.ts';
import { startGitHubStandIn } from '../standins/github/server.ts';
import { testApp } from './app.ts';

/**
 * drbot (manual clock, recording chat) with GitHub pointed at the GitHub stand-in, and a SEV-2
 * declared by Ada with its channel open: the start of every PIR and action-item test.
 */
export async function githubTestApp() {
  const gh = await startGitHubStandIn({ owner: 'voxguard', repo: 'incidents', token: 'ghp_test' });
  const t = await testApp({ env: { GITHUB_TOKEN: 'ghp_test', GITHUB_REPO: 'voxguard/incidents', GITHUB_API_URL: gh.url } });
  await t.dr('declare sev2 Abuja replica lagging', 'U0ONCALL01');
  await t.drain();
  const channel = (await getIncident(t.db, 1))!.channelId!;
  return {
    t, gh, channel,
    async close() {
      await t.close();
      gh.assertNoViolations();
      await gh.close();
    },
  };
}
