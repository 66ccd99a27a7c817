/**
 * A built-in stand-in for GitHub, used when drbot has no GITHUB_TOKEN / GITHUB_REPO
 * (DRBOT_SIMULATE=auto): the PIR pull request and the tracking issues become files under
 * `<dir>` (DRBOT_DATA_DIR/simulated-github), so a person can read them. Idempotent like the
 * real adapter: an issue is found by its marker before one is created, a pull request by its
 * branch; issues and pull requests share one number sequence, as on GitHub. Nothing leaves the
 * machine.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrackerPort } from '../../ports.ts';
import { bodyWithMarker, markerComment } from './map.ts';

export const SIMULATED_GITHUB = 'GitHub (simulated: no GITHUB_TOKEN / GITHUB_REPO)';

interface Issue { number: number; title: string; body: string; labels: string[]; assignees: string[]; state: 'open' | 'closed'; comments: string[] }
interface Pull { number: number; branch: string; path: string; title: string; body: string; commitMessage: string; state: 'open' }
interface State { next: number; issues: Issue[]; pulls: Pull[] }

export interface SimulatedGitHub extends TrackerPort {
  readonly simulated: string;
  readonly dir: string;
}

export function createSimulatedGitHub(o: { dir: string }): SimulatedGitHub {
  const dir = resolve(o.dir);
  const stateFile = join(dir, 'state.json');
  const state: State = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : { next: 1, issues: [], pulls: [] };

  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    // Its own temporary name: two processes saving into one folder must not rename each other's file.
    const tmp = `${path}.${randomUUID()}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  };
  const save = () => write(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  const issueFile = (n: number) => join(dir, 'issues', `${n}.md`);
  const url = (path: string) => pathToFileURL(path).href;
  /** The pull request's file, on its branch: `branches/<branch>/<path>` (never outside `dir`). */
  const branchFile = (branch: string, path: string) => {
    const base = resolve(dir, 'branches', branch);
    const f = resolve(base, path);
    if (!base.startsWith(`${dir}${sep}branches${sep}`) || !f.startsWith(`${base}${sep}`)) throw new Error(`${SIMULATED_GITHUB}: the branch ${branch} and path ${path} would leave ${dir}`);
    return f;
  };
  const writeIssue = (i: Issue) => write(issueFile(i.number), [
    `# #${i.number} ${i.title}`, '',
    `State: ${i.state} · Labels: ${i.labels.join(', ') || 'none'} · Assignees: ${i.assignees.join(', ') || 'none'}`,
    `(${SIMULATED_GITHUB}: this file stands in for the issue; nothing was sent to GitHub.)`, '',
    i.body, ...i.comments.flatMap((c, n) => ['', `## Comment ${n + 1}`, '', c]), '',
  ].join('\n'));
  const found = (number: number) => {
    const i = state.issues.find((x) => x.number === number);
    if (!i) throw new Error(`${SIMULATED_GITHUB}: Not Found (issue #${number})`);
    return i;
  };

  return {
    simulated: SIMULATED_GITHUB,
    dir,

    async ensureIssue(i) {
      const marker = markerComment(i.marker);
      const known = state.issues.find((x) => x.body.includes(marker));
      if (known) return { number: known.number, url: url(issueFile(known.number)), created: false };
      const issue: Issue = { number: state.next++, title: i.title, body: bodyWithMarker(i.body, marker), labels: i.labels, assignees: i.assignees ?? [], state: 'open', comments: [] };
      state.issues.push(issue);
      writeIssue(issue);
      save();
      return { number: issue.number, url: url(issueFile(issue.number)), created: true };
    },

    async issueState(number) {
      const i = found(number);
      return { state: i.state, assignees: i.assignees, url: url(issueFile(number)) };
    },

    async ensurePullRequest(p) {
      const known = state.pulls.find((x) => x.branch === p.branch && x.state === 'open');
      if (known) return { number: known.number, url: url(branchFile(known.branch, known.path)), created: false };
      const file = branchFile(p.branch, p.path);
      write(file, p.content);
      const pull: Pull = { number: state.next++, branch: p.branch, path: p.path, title: p.title, body: p.body, commitMessage: p.commitMessage, state: 'open' };
      state.pulls.push(pull);
      write(join(dir, 'pulls', `${pull.number}.md`), [`# Pull request #${pull.number}: ${p.title}`, '', `Branch ${p.branch} adds ${p.path}: ${file}`,
        `(${SIMULATED_GITHUB}: nothing was sent to GitHub.)`, '', p.body, ''].join('\n'));
      save();
      return { number: pull.number, url: url(file), created: true };
    },

    async comment(number, body) {
      const i = state.issues.find((x) => x.number === number);
      if (!i) {
        if (state.pulls.some((x) => x.number === number)) return;
        throw new Error(`${SIMULATED_GITHUB}: Not Found (issue #${number})`);
      }
      i.comments.push(body);
      writeIssue(i);
      save();
    },
  };
}
