import type { Octokit } from '@octokit/rest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../core/retryAfter.ts';
import { TransientError } from '../../ports.ts';
import type { GitHubConfig } from './config.ts';
import type { GhFile, GhIssue, GhPull } from './map.ts';

/**
 * The only importer of `@octokit/rest`. Wraps the handful of REST calls drbot makes and turns
 * Octokit's errors into the port's: TransientError (rate limit, 5xx, network) or a plain Error
 * carrying GitHub's message. `@octokit/rest` has no retry or throttling plugin: drbot's
 * scheduler owns backoff, so none is added here. Octokit is loaded on the first call (a drbot
 * that never opens a PIR never loads it).
 */
export function createGitHubClient(
  c: GitHubConfig & { token: string; owner: string; repo: string },
  fetchImpl: typeof fetch = globalThis.fetch,
  now: () => Date = () => new Date(),
) {
  // Per-request timeout, so a hung connection becomes a retryable failure instead of a stuck step.
  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(c.timeoutMs);
    return fetchImpl(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
  // Octokit logs every failed request on console.error; the adapter throws instead (and 404/422
  // are expected answers in the lookups below), so only its warnings (deprecations) are kept.
  const log = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };
  let loading: Promise<Octokit['rest']> | undefined;
  const api = () => (loading ??= import('@octokit/rest').then(({ Octokit }) =>
    new Octokit({ auth: c.token, baseUrl: c.apiUrl, userAgent: 'drbot', log, request: { fetch: timedFetch } }).rest));
  const { owner, repo } = c;

  async function run<T>(what: string, call: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await call()).data;
    } catch (e) {
      throw toPortError(e, what, now());
    }
  }

  return {
    async defaultBranch(): Promise<string> {
      const rest = await api();
      return (await run('read the repository', () => rest.repos.get({ owner, repo }))).default_branch;
    },
    /** Head commit of `branch`, or undefined when the branch does not exist. */
    async branchSha(branch: string): Promise<string | undefined> {
      const rest = await api();
      try {
        return (await rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
      } catch (e) {
        if (httpStatus(e) === 404) return undefined;
        throw toPortError(e, `read branch ${branch}`, now());
      }
    },
    /** Creates `branch` at `sha`; `exists` when an earlier attempt already made it. */
    async createBranch(branch: string, sha: string): Promise<'created' | 'exists'> {
      const rest = await api();
      try {
        await rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
        return 'created';
      } catch (e) {
        if (httpStatus(e) === 422 && /reference already exists/i.test(gitHubMessage(e))) return 'exists';
        throw toPortError(e, `create branch ${branch}`, now());
      }
    },
    async getFile(path: string, branch: string): Promise<GhFile | undefined> {
      const rest = await api();
      try {
        const data = (await rest.repos.getContent({ owner, repo, path, ref: branch })).data;
        if (Array.isArray(data) || data.type !== 'file') throw new Error(`GitHub: ${path} on ${branch} is not a file`);
        return { sha: data.sha, content: 'content' in data ? data.content : '' };
      } catch (e) {
        if (httpStatus(e) === 404) return undefined;
        throw toPortError(e, `read ${path}`, now());
      }
    },
    async putFile(f: { path: string; branch: string; base64: string; message: string; sha?: string }): Promise<void> {
      const rest = await api();
      await run(`write ${f.path}`, () => rest.repos.createOrUpdateFileContents({ owner, repo, path: f.path, branch: f.branch, message: f.message, content: f.base64, ...(f.sha ? { sha: f.sha } : {}) }));
    },
    /** Pull requests (any state) whose head is `branch` in this repository. */
    async pullsFrom(branch: string): Promise<GhPull[]> {
      const rest = await api();
      return run('list pull requests', () => rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'all', per_page: 100 }));
    },
    /** Opens a pull request; `exists` when GitHub says one is already open for this head. */
    async createPull(p: { title: string; body: string; head: string; base: string }): Promise<GhPull | 'exists'> {
      const rest = await api();
      try {
        return (await rest.pulls.create({ owner, repo, ...p })).data;
      } catch (e) {
        if (httpStatus(e) === 422 && /pull request already exists/i.test(gitHubMessage(e))) return 'exists';
        throw toPortError(e, 'open the pull request', now());
      }
    },
    async searchIssues(q: string): Promise<GhIssue[]> {
      const rest = await api();
      return (await run('search issues', () => rest.search.issuesAndPullRequests({ q, per_page: 100 }))).items;
    },
    /** The most recent issues (any state), optionally with one label: the fallback for search's lag. */
    async recentIssues(label?: string): Promise<GhIssue[]> {
      const rest = await api();
      return run('list issues', () => rest.issues.listForRepo({ owner, repo, state: 'all', sort: 'created', direction: 'desc', per_page: 100, ...(label ? { labels: label } : {}) }));
    },
    async createIssue(i: { title: string; body: string; labels: string[]; assignees?: string[] }): Promise<GhIssue> {
      const rest = await api();
      return run('create the issue', () => rest.issues.create({ owner, repo, title: i.title, body: i.body, labels: i.labels, ...(i.assignees?.length ? { assignees: i.assignees } : {}) }));
    },
    async getIssue(issue_number: number): Promise<GhIssue> {
      const rest = await api();
      return run(`read issue #${issue_number}`, () => rest.issues.get({ owner, repo, issue_number }));
    },
    async createComment(issue_number: number, body: string): Promise<void> {
      const rest = await api();
      await run(`comment on #${issue_number}`, () => rest.issues.createComment({ owner, repo, issue_number, body }));
    },
  };
}

export type GitHubClient = ReturnType<typeof createGitHubClient>;

interface HttpErrorLike {
  status: number;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/** Octokit's RequestError, recognised by shape (its package is not a direct dependency). */
function asHttpError(e: unknown): HttpErrorLike | undefined {
  return e instanceof Error && typeof (e as Partial<HttpErrorLike>).status === 'number' ? (e as unknown as HttpErrorLike) : undefined;
}

function httpStatus(e: unknown): number | undefined {
  return asHttpError(e)?.status;
}

/** GitHub's `message` plus the messages of its `errors` list (422 details live there). */
function gitHubMessage(e: unknown): string {
  const data = asHttpError(e)?.response?.data as { message?: string; errors?: ({ message?: string; code?: string; field?: string } | string)[] } | undefined;
  if (!data || typeof data !== 'object') return e instanceof Error ? e.message : String(e);
  const details = (data.errors ?? []).map((x) => (typeof x === 'string' ? x : x.message ?? [x.field, x.code].filter(Boolean).join(' '))).filter(Boolean);
  return [data.message ?? 'no message', ...details].join(': ');
}

function toPortError(e: unknown, what: string, now: Date): Error {
  const h = asHttpError(e);
  if (!h) return e instanceof Error ? e : new Error(String(e));
  const headers = h.response?.headers ?? {};
  const message = gitHubMessage(e);
  const rateLimited = h.status === 429 || (h.status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0'));
  // Octokit reports network failures and timeouts as status 500 without a response.
  if (rateLimited || h.status >= 500 || !h.response) {
    return new TransientError(`GitHub could not ${what} (${h.status}${rateLimited ? ', rate limited' : ''}): ${message}`, retryAfterMs(headers, now));
  }
  return new Error(`GitHub refused to ${what} (${h.status}): ${message}`);
}

/** Retry-After (seconds or HTTP date), else the primary rate limit's reset time (epoch seconds). */
function retryAfterMs(headers: Record<string, string | undefined>, now: Date): number | undefined {
  const ra = parseRetryAfter(headers['retry-after'], now);
  if (ra !== undefined) return ra;
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] !== '0' || !Number.isFinite(reset) || reset <= 0) return undefined;
  // An instant in epoch seconds: the same bounds as a Retry-After date (past → 0, capped).
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, reset * 1000 - now.getTime()));
}
