import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubTracker } from '../../src/adapters/github/index.ts';
import { NotConfigured, TransientError, type TrackerPort } from '../../src/ports.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github/server.ts';

const TOKEN = 'ghp_test_token';
let gh: GitHubStandIn;
let tracker: TrackerPort;

beforeEach(async () => {
  gh = await startGitHubStandIn({ owner: 'acme', repo: 'incidents', token: TOKEN });
  tracker = createGitHubTracker({ token: TOKEN, repo: 'acme/incidents', apiUrl: gh.url });
});
afterEach(async () => {
  gh.assertNoViolations();
  await gh.close();
});

const issue = { marker: 'drbot:INC-12:action:3', title: 'Add a second NAT gateway', body: 'From the PIR of INC-12.', labels: ['incident', 'INC-12'], assignees: ['ada'] };
const pir = { branch: 'pir/INC-12', path: 'docs/pir/INC-12.md', content: '# PIR INC-12\n\nLagos region unreachable — ünïcode kept.\n', title: 'PIR: INC-12', body: 'Post-incident review', commitMessage: 'PIR for INC-12' };
const ops = () => gh.calls.map((c) => c.operationId);

describe('GitHub tracker against the stand-in', () => {
  it('ensureIssue twice with the same marker opens one issue, marker in its body', async () => {
    const first = await tracker.ensureIssue(issue);
    const second = await tracker.ensureIssue(issue);
    expect(first).toMatchObject({ number: 1, created: true, url: 'https://github.com/acme/incidents/issues/1' });
    expect(second).toEqual({ ...first, created: false });
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ title: issue.title, labels: issue.labels, assignees: ['ada'] });
    expect(gh.issues[0].body).toContain('<!-- drbot:INC-12:action:3 -->');
    // The second call was answered by search alone.
    expect(ops().slice(-1)).toEqual(['search/issues-and-pull-requests']);
    expect(gh.calls.find((c) => c.operationId === 'search/issues-and-pull-requests')?.query.q).toBe('"<!-- drbot:INC-12:action:3 -->" repo:acme/incidents is:issue in:body');
  });

  it('still opens one issue when search lags behind (falls back to listing recent issues)', async () => {
    gh.searchLag = 5;
    const first = await tracker.ensureIssue(issue);
    const second = await tracker.ensureIssue(issue);
    expect(second).toEqual({ ...first, created: false });
    expect(gh.issues).toHaveLength(1);
    expect(ops().slice(-2)).toEqual(['search/issues-and-pull-requests', 'issues/list-for-repo']);
    expect(gh.calls.at(-1)?.query).toMatchObject({ labels: 'incident', state: 'all' });
  });

  it('a different marker is a different issue; a similar-looking one does not match', async () => {
    await tracker.ensureIssue(issue);
    const other = await tracker.ensureIssue({ ...issue, marker: 'drbot:INC-12:action:30' });
    expect(other).toMatchObject({ number: 2, created: true });
    expect(gh.issues).toHaveLength(2);
  });

  it('ensurePullRequest twice makes one branch, one commit of the file and one PR', async () => {
    const first = await tracker.ensurePullRequest(pir);
    const second = await tracker.ensurePullRequest(pir);
    expect(first).toMatchObject({ created: true, url: `https://github.com/acme/incidents/pull/${first.number}` });
    expect(second).toEqual({ ...first, created: false });
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]).toMatchObject({ head: 'pir/INC-12', base: 'main', title: 'PIR: INC-12', state: 'open' });
    expect(gh.branches().sort()).toEqual(['main', 'pir/INC-12']);
    expect(gh.files('pir/INC-12')?.['docs/pir/INC-12.md']).toBe(pir.content);
    expect(gh.files('main')?.['docs/pir/INC-12.md']).toBeUndefined();
    expect(ops().filter((o) => o === 'repos/create-or-update-file-contents')).toHaveLength(1);
    // Octokit sends `docs%2Fpir%2F…`; GitHub also takes the path with plain slashes (x-multi-segment).
    const raw = await fetch(`${gh.url}/repos/acme/incidents/contents/docs/pir/INC-12.md?ref=pir/INC-12`, { headers: { authorization: `token ${TOKEN}` } });
    expect(raw.status).toBe(200);
    expect(Buffer.from(((await raw.json()) as { content: string }).content, 'base64').toString('utf8')).toBe(pir.content);
  });

  it('ensurePullRequest resumes after a failure half-way (branch already there)', async () => {
    gh.failNext(502, 'repos/create-or-update-file-contents');
    await expect(tracker.ensurePullRequest(pir)).rejects.toBeInstanceOf(TransientError);
    expect(gh.branches()).toContain('pir/INC-12');
    const done = await tracker.ensurePullRequest(pir);
    expect(done.created).toBe(true);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.files('pir/INC-12')?.['docs/pir/INC-12.md']).toBe(pir.content);
  });

  it('ensurePullRequest updates a file that is already on the branch with its sha', async () => {
    gh.failNext(503, 'pulls/create');
    await expect(tracker.ensurePullRequest(pir)).rejects.toBeInstanceOf(TransientError);
    const edited = { ...pir, content: `${pir.content}\nTimeline added.\n` };
    await tracker.ensurePullRequest(edited);
    expect(gh.files('pir/INC-12')?.['docs/pir/INC-12.md']).toBe(edited.content);
    expect(gh.calls.filter((c) => c.operationId === 'repos/create-or-update-file-contents').at(-1)?.body).toHaveProperty('sha');
  });

  it('issueState follows the issue; comment lands on it', async () => {
    const { number } = await tracker.ensureIssue(issue);
    expect(await tracker.issueState(number)).toEqual({ state: 'open', assignees: ['ada'], url: `https://github.com/acme/incidents/issues/${number}` });
    gh.closeIssue(number);
    expect((await tracker.issueState(number)).state).toBe('closed');
    await tracker.comment(number, 'Done in the drill of 2024-05-01.');
    expect(gh.issues[0].comments).toEqual(['Done in the drill of 2024-05-01.']);
  });

  it('429 with Retry-After is a TransientError with retryAfterMs', async () => {
    gh.rateLimitNext(7);
    const e = await tracker.issueState(1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(7000);
    expect((e as Error).message).toMatch(/secondary rate limit/);
  });

  it('403 with x-ratelimit-remaining 0 is a TransientError until the reset time (on the injected clock)', async () => {
    const NOW = new Date('2026-11-25T15:00:00Z');
    const pinned = createGitHubTracker({ token: TOKEN, repo: 'acme/incidents', apiUrl: gh.url, now: () => NOW });
    gh.rateLimitNext(30, 'primary', NOW);
    const e = await pinned.ensureIssue(issue).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(30_000);
    // The same reset, read two hours later, is in the past: retry now.
    gh.rateLimitNext(30, 'primary', NOW);
    const later = createGitHubTracker({ token: TOKEN, repo: 'acme/incidents', apiUrl: gh.url, now: () => new Date(NOW.getTime() + 7_200_000) });
    await expect(later.issueState(1)).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 0 });
  });

  it('a Retry-After date is read against the injected clock', async () => {
    const NOW = new Date('2026-11-25T15:00:00Z');
    const pinned = createGitHubTracker({ token: TOKEN, repo: 'acme/incidents', apiUrl: gh.url, now: () => NOW });
    gh.rateLimitNext('Wed, 25 Nov 2026 15:01:00 GMT');
    await expect(pinned.issueState(1)).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 60_000 });
  });

  it('5xx is transient; 404 is a plain Error with GitHub\'s message', async () => {
    gh.failNext(503);
    await expect(tracker.comment(1, 'x')).rejects.toBeInstanceOf(TransientError);
    const e = await tracker.issueState(999).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TransientError);
    expect((e as Error).message).toMatch(/404.*Not Found/);
  });

  it('an unreachable server is transient', async () => {
    const dead = createGitHubTracker({ token: TOKEN, repo: 'acme/incidents', apiUrl: 'http://127.0.0.1:1' });
    await expect(dead.issueState(1)).rejects.toBeInstanceOf(TransientError);
  });

  it('without token or repo every call is NotConfigured and nothing is sent', async () => {
    const none = createGitHubTracker({ apiUrl: gh.url });
    const e = await none.ensureIssue(issue).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotConfigured);
    expect((e as NotConfigured).missing).toEqual(['GITHUB_TOKEN', 'GITHUB_REPO']);
    await expect(createGitHubTracker({ repo: 'acme/incidents', apiUrl: gh.url }).issueState(1)).rejects.toMatchObject({ integration: 'GitHub', missing: ['GITHUB_TOKEN'] });
    expect(gh.calls).toHaveLength(0);
  });

  it('the stand-in flags requests that break the description or lack credentials', async () => {
    const noTitle = await fetch(`${gh.url}/repos/acme/incidents/issues`, { method: 'POST', headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ body: 'no title' }) });
    expect(noTitle.status).toBe(422);
    expect(((await noTitle.json()) as { message: string }).message).toMatch(/title/);
    const anonymous = await fetch(`${gh.url}/repos/acme/incidents`);
    expect(anonymous.status).toBe(401);
    const badQuery = await fetch(`${gh.url}/repos/acme/incidents/pulls?state=merged`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(badQuery.status).toBe(422);
    expect(gh.violations).toHaveLength(3);
    expect(gh.violations[0]).toMatch(/issues\/create.*'title'/);
    expect(gh.issues).toHaveLength(0);
    gh.violations.length = 0; // seen and expected: keep afterEach's check for the rest
  });

  it('the stand-in checks its own answers against the description, and close() fails on a bad one', async () => {
    const { number } = await tracker.ensureIssue(issue);
    expect(gh.responseErrors).toEqual([]); // search, list, create: all in GitHub's shapes
    (gh.issues[0] as { title: unknown }).title = 42; // a stand-in bug, planted
    await tracker.issueState(number);
    expect(gh.responseErrors).toEqual([`GET /repos/acme/incidents/issues/${number}: stand-in answer breaks the description: issues/get: response 200 body/title must be string`]);
    expect(gh.violations).toEqual(gh.responseErrors);
    await expect(gh.close()).rejects.toThrow(/GitHub stand-in answered outside its description:\n.*body\/title must be string/);
    gh.responseErrors.length = 0; // seen and expected: afterEach closes again
    gh.violations.length = 0;
  });
});
