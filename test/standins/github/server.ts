import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenApiValidator, type OpenApiMatch } from '../openapi.ts';
export type { StandInIssue, StandInPull } from './shapes.ts';
import { blobSha, GitHubShapes, sha1, type Json, type StandInIssue, type StandInPull } from './shapes.ts';

/**
 * A stand-in for api.github.com. Every request is checked against GitHub's own description
 * (subset of npm @octokit/openapi@23.0.2, see test/specs/README.md) and must carry
 * `Authorization: token …` or `Bearer …`; a request that breaks either is recorded in
 * `violations` and answered 422 (404 for an unknown route, 401 without credentials), as GitHub would.
 * Its own answers, in GitHub's full shapes, are checked against the same description (`checkResponse`).
 * Behind that it keeps one repository (default branch `main`) with refs, commits, files, pull
 * requests, issues, labels and comments, and a search that may lag behind writes like GitHub's.
 */
const SPEC_PATH = new URL('../../specs/github/api.github.com.subset.deref.json', import.meta.url);
type Reply = [status: number, body: unknown, headers?: Record<string, string>];

let shared: { validator: OpenApiValidator; multiSegment: RegExp[] } | undefined;
function spec() {
  if (!shared) {
    const s = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
    // `{path}` and `{ref}` are `x-multi-segment`: `contents/docs/a.md` is one value. The validator
    // matches one segment per parameter, so the stand-in folds the tail's slashes into %2F first.
    const multiSegment = Object.entries(s.paths as Json).flatMap(([t, item]) =>
      Object.values(item as Json).some((op: any) => (op?.parameters ?? []).some((p: Json) => p['x-multi-segment'] && t.endsWith(`{${p.name}}`)))
        ? [new RegExp(`^(${t.replace(/\{[^}]+\}$/, '').replace(/\{[^}]+\}/g, '[^/]+')})(.+)$`)] : []);
    // `format: "repo.nwo"` (pulls/create `head_repo`) is GitHub's own; ajv does not know it and
    // would only print a warning, so it is dropped here. Nothing else in the description is changed.
    delete s.paths['/repos/{owner}/{repo}/pulls'].post.requestBody.content['application/json'].schema.properties.head_repo.format;
    shared = { validator: new OpenApiValidator(s), multiSegment };
  }
  return shared;
}

export interface Call { method: string; path: string; query: Record<string, string>; body?: unknown; status: number; operationId?: string }

const DOCS = 'https://docs.github.com/rest';
const err = (status: number, message: string, extra: Json = {}): Reply => [status, { message, documentation_url: DOCS, status: String(status), ...extra }];
const validationFailed = (errors: Json[]): Reply => err(422, 'Validation Failed', { errors });

export class GitHubStandIn extends GitHubShapes {
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  /** Answers of the stand-in itself that break the description (see checkResponse). */
  readonly responseErrors: string[] = [];
  private readonly matches = new WeakMap<Call, OpenApiMatch>();
  /** Search calls for which a newly created issue stays invisible (GitHub's index lags). */
  searchLag: number;
  private readonly commits = new Map<string, Map<string, Buffer>>();
  private nextNumber = 1;
  private searchCalls = 0;
  private pending: { status: number; operationId?: string; headers?: Record<string, string>; message?: string }[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(owner = 'o', repo = 'r', readonly token?: string, searchLag = 0) {
    super(owner, repo);
    this.searchLag = searchLag;
    const root = sha1(randomBytes(8));
    this.commits.set(root, new Map([['README.md', Buffer.from(`# ${repo}\n`)]]));
    this.refs.set('main', root);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.responseErrors.length) throw new Error(`GitHub stand-in answered outside its description:\n${this.responseErrors.join('\n')}`);
  }

  /**
   * Next request is refused for rate limit: `secondary` = 429 + Retry-After (seconds, or a string
   * sent as is, e.g. an HTTP date); `primary` = 403 + x-ratelimit-reset, `retryAfter` seconds after `from`.
   */
  rateLimitNext(retryAfter: number | string, kind: 'secondary' | 'primary' = 'secondary', from = new Date()): void {
    if (kind === 'secondary') this.pending.push({ status: 429, headers: { 'retry-after': String(retryAfter) }, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' });
    else this.pending.push({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(from.getTime() / 1000) + Number(retryAfter)) }, message: 'API rate limit exceeded for user ID 1.' });
  }

  /** Next request (or the next one to `operationId`, e.g. `pulls/create`) fails with `status`. */
  failNext(status: number, operationId?: string): void {
    this.pending.push({ status, operationId });
  }

  closeIssue(number: number): void {
    const i = this.issues.find((x) => x.number === number);
    if (!i) throw new Error(`stand-in: no issue #${number}`);
    Object.assign(i, { state: 'closed', closedAt: new Date().toISOString() });
  }

  branches(): string[] {
    return [...this.refs.keys()];
  }

  /** Files on `branch` as UTF-8 text, or undefined when the branch does not exist. */
  files(branch: string): Record<string, string> | undefined {
    const sha = this.refs.get(branch);
    return sha ? Object.fromEntries([...this.commits.get(sha)!].map(([p, b]) => [p, b.toString('utf8')])) : undefined;
  }

  assertNoViolations(): void {
    if (this.violations.length) throw new Error(`GitHub stand-in saw requests that break the description:\n${this.violations.join('\n')}`);
  }

  /**
   * The stand-in's own answer against the description: a mismatch is a stand-in bug, never
   * expected by a test. It is listed in `violations` and `responseErrors`, and `close()` throws
   * it, so the test that made the request fails even if it never asks for the violations.
   */
  private checkResponse(where: string, m: OpenApiMatch, status: number, body: unknown): void {
    const errors = spec().validator.validateResponse(m, status, body).map((e) => `${where}: stand-in answer breaks the description: ${e}`);
    this.responseErrors.push(...errors);
    this.violations.push(...errors);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const call: Call = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    this.calls.push(call);
    const flag = (why: string) => this.violations.push(`${method} ${url.pathname}${url.search}: ${why}`);
    let reply: Reply;
    try {
      call.body = raw ? JSON.parse(raw) : undefined;
      reply = this.route(req, url, method, call, flag);
    } catch (e) {
      if (e instanceof SyntaxError) { flag('body is not JSON'); reply = err(400, 'Problems parsing JSON'); }
      else reply = err(500, `stand-in error: ${(e as Error).message}`);
    }
    call.status = reply[0];
    const m = this.matches.get(call);
    if (m?.template) this.checkResponse(`${method} ${url.pathname}${url.search}`, m, reply[0], reply[1]);
    res.writeHead(reply[0], { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': randomBytes(4).toString('hex'), ...reply[2] });
    res.end(reply[1] === undefined ? '' : JSON.stringify(reply[1]));
  }

  private route(req: IncomingMessage, url: URL, method: string, call: Call, flag: (why: string) => void): Reply {
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      flag('no "Authorization: token …" or "Bearer …" header');
      return err(401, 'Requires authentication');
    }
    if (this.token && req.headers.authorization!.split(' ')[1] !== this.token) return err(401, 'Bad credentials');
    const { validator, multiSegment } = spec();
    let path = url.pathname;
    for (const re of multiSegment) path = path.replace(re, (_m, head: string, tail: string) => head + tail.replace(/\//g, '%2F'));
    const m = validator.validate({ method, path, query: url.searchParams, headers: req.headers, body: call.body });
    this.matches.set(call, m);
    call.operationId = m.operationId;
    for (const e of m.errors) flag(e);
    if (!m.template) return err(404, 'Not Found');
    if (m.errors.length) return err(422, `Invalid request.\n\n${m.errors.join('\n')}`);
    const at = this.pending.findIndex((p) => !p.operationId || p.operationId === m.operationId);
    if (at >= 0) {
      const [p] = this.pending.splice(at, 1);
      const [status, body] = err(p.status, p.message ?? (p.status >= 500 ? 'Server Error' : p.status === 404 ? 'Not Found' : 'Refused by the stand-in'));
      return [status, body, p.headers];
    }
    const { owner, repo } = m.params;
    if (owner !== undefined && (owner.toLowerCase() !== this.owner.toLowerCase() || repo?.toLowerCase() !== this.repo.toLowerCase())) return err(404, 'Not Found');
    const handler = this.handlers[m.operationId ?? ''];
    if (!handler) {
      flag(`stand-in does not implement ${m.operationId}`);
      return err(501, `stand-in does not implement ${m.operationId}`);
    }
    return handler(m.params, url.searchParams, (call.body ?? {}) as Json);
  }

  // ---- GitHub's behaviour, one handler per operationId ----------------------------------
  private readonly handlers: Record<string, (p: Record<string, string>, q: URLSearchParams, b: Json) => Reply> = {
    'repos/get': () => [200, this.fullRepoJson()],
    'git/get-ref': (p) => {
      const branch = p.ref.startsWith('heads/') ? p.ref.slice(6) : undefined;
      const sha = branch && this.refs.get(branch);
      return sha ? [200, this.refJson(branch, sha)] : err(404, 'Not Found');
    },
    'git/create-ref': (_p, _q, b) => {
      if (!/^refs\/heads\/.+/.test(b.ref)) return err(422, 'Reference name must start with refs/heads/ in this stand-in');
      if (!this.commits.has(b.sha)) return err(422, 'Object does not exist');
      const branch = b.ref.slice(11);
      if (this.refs.has(branch)) return err(422, 'Reference already exists');
      this.refs.set(branch, b.sha);
      return [201, this.refJson(branch, b.sha)];
    },
    'repos/get-content': (p, q) => {
      const ref = q.get('ref') ?? 'main';
      const tree = this.commits.get(this.refs.get(ref) ?? ref);
      const blob = tree?.get(p.path);
      if (!blob) return err(404, 'Not Found');
      const content = blob.toString('base64').replace(/.{60}/g, '$&\n');
      return [200, { ...this.fileJson(p.path, blob, ref), content, encoding: 'base64' }];
    },
    'repos/create-or-update-file-contents': (p, _q, b) => {
      const branch = (b.branch as string | undefined) ?? 'main';
      const head = this.refs.get(branch);
      if (!head) return err(404, `Branch ${branch} not found`);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(String(b.content).replace(/\s/g, ''))) return err(422, 'content is not valid Base64');
      const tree = new Map(this.commits.get(head)!);
      const old = tree.get(p.path);
      if (old && !b.sha) return err(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
      if (old && b.sha !== blobSha(old)) return err(409, `${p.path} does not match ${b.sha}`);
      const blob = Buffer.from(b.content, 'base64');
      tree.set(p.path, blob);
      const commit = sha1(randomBytes(8));
      this.commits.set(commit, tree);
      this.refs.set(branch, commit);
      return [old ? 200 : 201, { content: this.fileJson(p.path, blob, branch), commit: this.commitJson(commit, b.message, head) }];
    },
    'pulls/list': (_p, q) => {
      const state = q.get('state') ?? 'open';
      const head = q.get('head');
      const list = this.pulls.filter((x) => (state === 'all' || x.state === state) && (!head || `${this.owner}:${x.head}` === head) && (!q.get('base') || x.base === q.get('base')));
      return [200, list.map((x) => this.pullJson(x))];
    },
    'pulls/create': (_p, _q, b) => {
      const head = String(b.head).replace(`${this.owner}:`, '');
      if (!b.title && b.issue === undefined) return validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
      if (!this.refs.has(head)) return validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (!this.refs.has(b.base)) return validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (this.pulls.some((x) => x.state === 'open' && x.head === head && x.base === b.base)) {
        return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }]);
      }
      if (this.refs.get(head) === this.refs.get(b.base)) return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${b.base} and ${head}` }]);
      const pull: StandInPull = { number: this.nextNumber++, title: b.title, body: b.body ?? '', head, base: b.base, state: 'open', createdAt: new Date().toISOString() };
      this.pulls.push(pull);
      return [201, this.pullJson(pull)];
    },
    'pulls/get': (p) => {
      const pull = this.pulls.find((x) => x.number === Number(p.pull_number));
      return pull ? [200, this.pullJson(pull)] : err(404, 'Not Found');
    },
    'issues/list-for-repo': (_p, q) => {
      const state = q.get('state') ?? 'open';
      const want = (q.get('labels') ?? '').split(',').filter(Boolean);
      const perPage = Number(q.get('per_page') ?? 30);
      const page = Number(q.get('page') ?? 1);
      const all = [...this.issues.map((i) => this.issueJson(i)), ...this.pulls.map((x) => this.pullAsIssueJson(x))]
        .filter((i) => (state === 'all' || i.state === state) && want.every((l) => i.labels.some((x: Json) => x.name === l)))
        .sort((a, b) => (q.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      return [200, all.slice((page - 1) * perPage, page * perPage)];
    },
    'issues/create': (_p, _q, b) => {
      const labels = ((b.labels ?? []) as (string | Json)[]).map((l) => (typeof l === 'string' ? l : String(l.name)));
      labels.forEach((l) => this.labels.add(l)); // GitHub creates unknown labels for users with push access
      const issue: StandInIssue = {
        number: this.nextNumber++, title: String(b.title), body: b.body ?? '', state: 'open', labels, assignees: b.assignees ?? (b.assignee ? [b.assignee] : []),
        comments: [], createdAt: new Date().toISOString(), closedAt: null, searchableAfter: this.searchCalls + this.searchLag,
      };
      this.issues.push(issue);
      return [201, this.issueJson(issue)];
    },
    'issues/get': (p) => {
      const n = Number(p.issue_number);
      const issue = this.issues.find((x) => x.number === n);
      const pull = this.pulls.find((x) => x.number === n);
      return issue ? [200, this.issueJson(issue)] : pull ? [200, this.pullAsIssueJson(pull)] : err(404, 'Not Found');
    },
    'issues/update': (p, _q, b) => {
      const issue = this.issues.find((x) => x.number === Number(p.issue_number));
      if (!issue) return err(404, 'Not Found');
      if (b.state && b.state !== issue.state) Object.assign(issue, { state: b.state, closedAt: b.state === 'closed' ? new Date().toISOString() : null });
      for (const k of ['title', 'body', 'assignees'] as const) if (b[k] !== undefined) (issue as any)[k] = b[k];
      if (b.labels) issue.labels = (b.labels as (string | Json)[]).map((l) => (typeof l === 'string' ? l : String(l.name)));
      return [200, this.issueJson(issue)];
    },
    'issues/create-comment': (p, _q, b) => {
      const issue = this.issues.find((x) => x.number === Number(p.issue_number));
      if (!issue) return err(404, 'Not Found');
      issue.comments.push(b.body);
      const id = issue.number * 1000 + issue.comments.length;
      return [201, this.commentJson(issue.number, id, b.body, new Date().toISOString())];
    },
    'issues/list-comments': (p) => {
      const issue = this.issues.find((x) => x.number === Number(p.issue_number));
      return issue ? [200, issue.comments.map((body, i) => this.commentJson(issue.number, issue.number * 1000 + i + 1, body, issue.createdAt))] : err(404, 'Not Found');
    },
    'issues/list-labels-for-repo': () => [200, [...this.labels].map((name) => this.labelJson(name))],
    'issues/create-label': (_p, _q, b) => {
      if (this.labels.has(b.name)) return validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      this.labels.add(b.name);
      return [201, this.labelJson(b.name)];
    },
    'search/issues-and-pull-requests': (_p, q) => {
      const call = ++this.searchCalls;
      const query = q.get('q') ?? '';
      const phrases = [...query.matchAll(/"([^"]*)"/g)].map((x) => x[1].toLowerCase());
      const rest = query.replace(/"[^"]*"/g, ' ').split(/\s+/).filter(Boolean);
      const repo = rest.find((t) => t.startsWith('repo:'))?.slice(5);
      if (repo && repo.toLowerCase() !== `${this.owner}/${this.repo}`.toLowerCase()) {
        return validationFailed([{ message: 'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.', resource: 'Search', field: 'q', code: 'invalid' }]);
      }
      const inBody = rest.includes('in:body');
      const items = this.issues.filter((i) => call > i.searchableAfter && phrases.every((ph) => (inBody ? i.body : `${i.title}\n${i.body}`).toLowerCase().includes(ph)));
      return [200, { total_count: items.length, incomplete_results: false, search_type: 'lexical', items: items.map((i) => ({ ...this.issueJson(i), score: 1 })) }];
    },
  };

  // ---- answers in GitHub's shapes (checked against the description by checkResponse) -----

}

/** Starts a stand-in on 127.0.0.1 (a free port) for repository `owner/repo`. */
export function startGitHubStandIn(o: { owner?: string; repo?: string; token?: string; searchLag?: number } = {}): Promise<GitHubStandIn> {
  return new GitHubStandIn(o.owner, o.repo, o.token, o.searchLag).listen();
}
