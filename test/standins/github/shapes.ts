/**
 * The GitHub stand-in's answers in GitHub's full shapes (users, repositories, refs, files,
 * commits, labels, issues, comments, pull requests), built from the stand-in's state. Kept apart
 * from the routes (server.ts); every answer is checked against the description there.
 */
import { createHash } from 'node:crypto';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StandInIssue {
  number: number; title: string; body: string; state: 'open' | 'closed'; labels: string[]; assignees: string[];
  comments: string[]; createdAt: string; closedAt: string | null; searchableAfter: number;
}
export interface StandInPull { number: number; title: string; body: string; head: string; base: string; state: 'open' | 'closed'; createdAt: string }

export const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');
export const blobSha = (b: Buffer) => sha1(Buffer.concat([Buffer.from(`blob ${b.length}\0`), b]));

export abstract class GitHubShapes {
  readonly issues: StandInIssue[] = [];
  readonly pulls: StandInPull[] = [];
  readonly labels = new Set<string>();
  url = '';
  protected readonly refs = new Map<string, string>();

  constructor(readonly owner: string, readonly repo: string) {}

  protected html(path = ''): string {
    return `https://github.com/${this.owner}/${this.repo}${path}`;
  }

  /** API URL of this repository, or of something under it. */
  protected api(path = ''): string {
    return `${this.url}/repos/${this.owner}/${this.repo}${path}`;
  }

  protected readonly userIds = new Map<string, number>();

  /** `simple-user`: every login gets a stable id; `drbot` is the token's bot. */
  protected userJson(login: string, type = login === 'drbot' ? 'Bot' : 'User'): Json {
    if (!this.userIds.has(login)) this.userIds.set(login, 1000 + this.userIds.size);
    const id = this.userIds.get(login)!;
    const url = `${this.url}/users/${encodeURIComponent(login)}`;
    return {
      login, id, node_id: `U_${id}`, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: '', url,
      html_url: `https://github.com/${encodeURIComponent(login)}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
      type, site_admin: false,
    };
  }

  /** `repository` (as in a pull request's head and base). */
  protected repoJson(): Json {
    const api = (path: string) => this.api(path);
    const at = '2024-01-01T00:00:00Z';
    const openIssues = this.issues.filter((i) => i.state === 'open').length + this.pulls.filter((x) => x.state === 'open').length;
    return {
      id: 1, node_id: 'R_1', name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: this.userJson(this.owner, 'Organization'), private: true,
      html_url: this.html(), description: null, fork: false, url: this.api(),
      archive_url: api('/{archive_format}{/ref}'), assignees_url: api('/assignees{/user}'), blobs_url: api('/git/blobs{/sha}'), branches_url: api('/branches{/branch}'),
      collaborators_url: api('/collaborators{/collaborator}'), comments_url: api('/comments{/number}'), commits_url: api('/commits{/sha}'),
      compare_url: api('/compare/{base}...{head}'), contents_url: api('/contents/{+path}'), contributors_url: api('/contributors'), deployments_url: api('/deployments'),
      downloads_url: api('/downloads'), events_url: api('/events'), forks_url: api('/forks'), git_commits_url: api('/git/commits{/sha}'),
      git_refs_url: api('/git/refs{/sha}'), git_tags_url: api('/git/tags{/sha}'), hooks_url: api('/hooks'), issue_comment_url: api('/issues/comments{/number}'),
      issue_events_url: api('/issues/events{/number}'), issues_url: api('/issues{/number}'), keys_url: api('/keys{/key_id}'), labels_url: api('/labels{/name}'),
      languages_url: api('/languages'), merges_url: api('/merges'), milestones_url: api('/milestones{/number}'),
      notifications_url: api('/notifications{?since,all,participating}'), pulls_url: api('/pulls{/number}'), releases_url: api('/releases{/id}'),
      stargazers_url: api('/stargazers'), statuses_url: api('/statuses/{sha}'), subscribers_url: api('/subscribers'), subscription_url: api('/subscription'),
      tags_url: api('/tags'), teams_url: api('/teams'), trees_url: api('/git/trees{/sha}'),
      clone_url: `${this.html()}.git`, git_url: `git://github.com/${this.owner}/${this.repo}.git`, ssh_url: `git@github.com:${this.owner}/${this.repo}.git`,
      svn_url: this.html(), mirror_url: null, homepage: null, language: null, size: 1, default_branch: 'main', visibility: 'private',
      forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0, open_issues: openIssues, open_issues_count: openIssues,
      has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_downloads: true, has_discussions: false, archived: false, disabled: false,
      license: null, pushed_at: at, created_at: at, updated_at: at,
    };
  }

  /** `full-repository` (repos/get). */
  protected fullRepoJson(): Json {
    return { ...this.repoJson(), network_count: 0, subscribers_count: 0 };
  }

  protected refJson(branch: string, sha: string): Json {
    return { ref: `refs/heads/${branch}`, node_id: `REF_${branch}`, url: this.api(`/git/refs/heads/${branch}`), object: { sha, type: 'commit', url: this.api(`/git/commits/${sha}`) } };
  }

  /** A file's metadata as `content-file` (without `content`) and the file part of `file-commit`. */
  protected fileJson(path: string, blob: Buffer, ref = 'main'): Json {
    const sha = blobSha(blob);
    const url = `${this.api(`/contents/${path}`)}?ref=${encodeURIComponent(ref)}`;
    const html = this.html(`/blob/${ref}/${path}`);
    const git = this.api(`/git/blobs/${sha}`);
    return {
      type: 'file', name: path.split('/').pop(), path, sha, size: blob.length, url, html_url: html, git_url: git,
      download_url: `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${path}`, _links: { self: url, git, html },
    };
  }

  protected commitJson(sha: string, message: string, parent: string): Json {
    const who = { name: 'drbot', email: 'drbot@users.noreply.github.com', date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    return {
      sha, node_id: `C_${sha.slice(0, 12)}`, url: this.api(`/git/commits/${sha}`), html_url: this.html(`/commit/${sha}`), author: who, committer: who, message,
      tree: { sha: sha1(`tree ${sha}`), url: this.api(`/git/trees/${sha1(`tree ${sha}`)}`) },
      parents: [{ sha: parent, url: this.api(`/git/commits/${parent}`), html_url: this.html(`/commit/${parent}`) }],
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  protected labelJson(name: string): Json {
    const id = [...this.labels].indexOf(name) + 1;
    return { id, node_id: `L_${id}`, url: this.api(`/labels/${encodeURIComponent(name)}`), name, color: 'ededed', default: false, description: null };
  }

  /** `issue`; a pull request listed among issues carries `pull_request`, as on GitHub. */
  protected issueJson(i: StandInIssue): Json {
    return {
      ...this.issueFields(i.number, i.title, i.body, i.state, i.createdAt, i.closedAt, i.comments.length),
      state_reason: i.state === 'closed' ? 'completed' : null,
      labels: i.labels.map((l) => this.labelJson(l)),
      assignees: i.assignees.map((login) => this.userJson(login)), assignee: i.assignees[0] ? this.userJson(i.assignees[0]) : null,
    };
  }

  protected pullAsIssueJson(x: StandInPull): Json {
    return {
      ...this.issueFields(x.number, x.title, x.body, x.state, x.createdAt, null, 0), labels: [], assignees: [], assignee: null,
      pull_request: { url: this.api(`/pulls/${x.number}`), html_url: this.html(`/pull/${x.number}`), diff_url: this.html(`/pull/${x.number}.diff`), patch_url: this.html(`/pull/${x.number}.patch`), merged_at: null },
    };
  }

  protected issueFields(number: number, title: string, body: string, state: string, createdAt: string, closedAt: string | null, comments: number): Json {
    const url = this.api(`/issues/${number}`);
    return {
      id: number, node_id: `I_${number}`, number, title, body, state, locked: false, active_lock_reason: null, milestone: null, comments,
      url, repository_url: this.api(), labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`, events_url: `${url}/events`,
      html_url: this.html(`/issues/${number}`), user: this.userJson('drbot'), author_association: 'NONE',
      created_at: createdAt, updated_at: closedAt ?? createdAt, closed_at: closedAt,
    };
  }

  protected commentJson(issue: number, id: number, body: string, at: string): Json {
    return {
      id, node_id: `IC_${id}`, url: this.api(`/issues/comments/${id}`), html_url: this.html(`/issues/${issue}#issuecomment-${id}`), issue_url: this.api(`/issues/${issue}`),
      body, user: this.userJson('drbot'), author_association: 'NONE', created_at: at, updated_at: at,
    };
  }

  /** `pull-request` (pulls/create, pulls/get); `pulls/list` answers the same fields (`pull-request-simple` is a subset). */
  protected pullJson(x: StandInPull): Json {
    const side = (ref: string) => ({ ref, label: `${this.owner}:${ref}`, sha: this.refs.get(ref) ?? '0'.repeat(40), user: this.userJson(this.owner, 'Organization'), repo: this.repoJson() });
    const url = this.api(`/pulls/${x.number}`);
    const issue = this.api(`/issues/${x.number}`);
    const html = this.html(`/pull/${x.number}`);
    const statuses = this.api(`/statuses/${this.refs.get(x.head) ?? '0'.repeat(40)}`);
    return {
      id: x.number, node_id: `PR_${x.number}`, number: x.number, title: x.title, body: x.body, state: x.state, locked: false, active_lock_reason: null, draft: false,
      url, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, issue_url: issue, commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`, review_comment_url: this.api('/pulls/comments{/number}'), comments_url: `${issue}/comments`, statuses_url: statuses,
      user: this.userJson('drbot'), author_association: 'NONE', labels: [], assignee: null, assignees: [], requested_reviewers: [], requested_teams: [], milestone: null,
      head: side(x.head), base: side(x.base), auto_merge: null,
      created_at: x.createdAt, updated_at: x.createdAt, closed_at: null, merged_at: null, merge_commit_sha: null,
      merged: false, mergeable: true, rebaseable: true, mergeable_state: 'clean', merged_by: null, maintainer_can_modify: false,
      comments: 0, review_comments: 0, commits: 1, additions: 0, deletions: 0, changed_files: 1,
      _links: {
        self: { href: url }, html: { href: html }, issue: { href: issue }, comments: { href: `${issue}/comments` }, review_comments: { href: `${url}/comments` },
        review_comment: { href: this.api('/pulls/comments{/number}') }, commits: { href: `${url}/commits` }, statuses: { href: statuses },
      },
    };
  }
}
