import { NotConfigured, type TrackerPort } from '../../ports.ts';
import { createGitHubClient, type GitHubClient } from './client.ts';
import { gitHubConfigSchema } from './config.ts';
import { bodyWithMarker, findMarked, fromBase64, markerComment, markerSearch, pickPull, splitRepo, toBase64, toIssueState } from './map.ts';

export { gitHubConfigSchema } from './config.ts';

export interface GitHubTrackerOptions {
  token?: string;
  /** owner/name */
  repo?: string;
  apiUrl: string;
  /** Injected transport (tests, proxies); defaults to the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The clock Retry-After dates and rate-limit resets are read against (default: the system clock). */
  now?: () => Date;
}

/**
 * The PIR pull request and tracking issues on GitHub. Every create is preceded by a lookup, so
 * a step that is run again (crash after the send, before the done mark) finds its earlier work.
 */
export function createGitHubTracker(opts: GitHubTrackerOptions): TrackerPort {
  const cfg = gitHubConfigSchema.parse({ token: opts.token || undefined, repo: opts.repo || undefined, apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  let client: GitHubClient | undefined;
  const gh = (): GitHubClient => {
    const missing = [!cfg.token && 'GITHUB_TOKEN', !cfg.repo && 'GITHUB_REPO'].filter((x): x is string => !!x);
    if (missing.length) throw new NotConfigured('GitHub', missing);
    const { owner, name } = splitRepo(cfg.repo!);
    return (client ??= createGitHubClient({ ...cfg, token: cfg.token!, owner, repo: name }, opts.fetch, opts.now));
  };

  return {
    async ensureIssue(i) {
      const c = gh();
      const comment = markerComment(i.marker);
      const { owner, name } = splitRepo(cfg.repo!);
      // Search first; it lags behind writes on github.com, so also scan the newest issues.
      const found = findMarked(await c.searchIssues(markerSearch(comment, owner, name)), comment)
        ?? findMarked(await c.recentIssues(i.labels[0]), comment);
      if (found) return { number: found.number, url: found.html_url, created: false };
      const made = await c.createIssue({ title: i.title, body: bodyWithMarker(i.body, comment), labels: i.labels, assignees: i.assignees });
      return { number: made.number, url: made.html_url, created: true };
    },

    async issueState(number) {
      return toIssueState(await gh().getIssue(number));
    },

    async ensurePullRequest(p) {
      const c = gh();
      const existing = pickPull(await c.pullsFrom(p.branch));
      if (existing) return { number: existing.number, url: existing.html_url, created: false };
      const base = await c.defaultBranch();
      const baseSha = await c.branchSha(base);
      if (!baseSha) throw new Error(`GitHub: the default branch ${base} has no head commit`);
      // Each step tolerates an earlier, interrupted attempt: branch made, file written, PR opened.
      await c.createBranch(p.branch, baseSha);
      const file = await c.getFile(p.path, p.branch);
      if (!file || fromBase64(file.content) !== p.content) {
        await c.putFile({ path: p.path, branch: p.branch, base64: toBase64(p.content), message: p.commitMessage, sha: file?.sha });
      }
      const made = await c.createPull({ title: p.title, body: p.body, head: p.branch, base });
      if (made !== 'exists') return { number: made.number, url: made.html_url, created: true };
      const again = pickPull(await c.pullsFrom(p.branch));
      if (!again) throw new Error(`GitHub said a pull request from ${p.branch} exists but none was listed`);
      return { number: again.number, url: again.html_url, created: false };
    },

    async comment(issueNumber, body) {
      await gh().createComment(issueNumber, body);
    },
  };
}
