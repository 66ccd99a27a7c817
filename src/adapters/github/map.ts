/** drbot's tracker shapes ↔ GitHub's REST shapes (only the fields drbot reads). */

export interface GhIssue {
  number: number;
  html_url: string;
  state: string;
  body?: string | null;
  assignees?: { login: string }[] | null;
  /** Present when the "issue" is really a pull request (the issues API lists both). */
  pull_request?: unknown;
}

export interface GhPull {
  number: number;
  html_url: string;
  state: string;
}

export interface GhFile {
  sha: string;
  /** Base64, possibly wrapped in newlines as GitHub sends it. */
  content: string;
}

/**
 * The marker as an HTML comment, invisible in the rendered issue. drbot's markers are ids such as
 * `drbot:INC-12:action:3`; anything that could break the comment or the quoted search is refused.
 */
export function markerComment(marker: string): string {
  const inner = marker.trim().replace(/^<!--\s*/, '').replace(/\s*-->$/, '');
  if (!/^[\w:./-]+$/.test(inner) || inner.includes('--')) throw new Error(`GitHub marker "${marker}" may only hold letters, digits and : . / _ - (no "--")`);
  return `<!-- ${inner} -->`;
}

/** The body with the marker comment at the end (once). */
export function bodyWithMarker(body: string, comment: string): string {
  return body.includes(comment) ? body : `${body.trimEnd()}\n\n${comment}\n`;
}

/** Search query for issues whose body holds the marker: the phrase is quoted so it is matched whole. */
export function markerSearch(comment: string, owner: string, repo: string): string {
  return `"${comment}" repo:${owner}/${repo} is:issue in:body`;
}

/** The oldest real issue (not a pull request) whose body holds the marker. */
export function findMarked(issues: GhIssue[], comment: string): GhIssue | undefined {
  return issues.filter((i) => !i.pull_request && (i.body ?? '').includes(comment)).sort((a, b) => a.number - b.number)[0];
}

/** An open pull request first, else the newest one (a merged PIR is not opened again). */
export function pickPull(pulls: GhPull[]): GhPull | undefined {
  return pulls.find((p) => p.state === 'open') ?? [...pulls].sort((a, b) => b.number - a.number)[0];
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function fromBase64(b64: string): string {
  return Buffer.from(b64.replace(/\s/g, ''), 'base64').toString('utf8');
}

export function toIssueState(i: GhIssue): { state: 'open' | 'closed'; assignees: string[]; url: string } {
  return { state: i.state === 'closed' ? 'closed' : 'open', assignees: (i.assignees ?? []).map((a) => a.login), url: i.html_url };
}

export function splitRepo(repo: string): { owner: string; name: string } {
  const [owner, name] = repo.split('/');
  return { owner, name };
}
