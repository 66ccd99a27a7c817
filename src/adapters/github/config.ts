import { z } from 'zod';
import { secret } from '../../config/fields.ts';

/** What the GitHub adapter needs; `token` and `repo` may be missing (then every call says NotConfigured). */
export const gitHubConfigSchema = z.object({
  token: secret(z.string().min(1).optional(), 'GitHub token (GITHUB_TOKEN) for the PIR pull request and tracking issues'),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name').optional().describe('Repository (GITHUB_REPO) as owner/name'),
  apiUrl: z.string().url().transform((u) => u.replace(/\/+$/, '')).describe('GitHub REST API base URL (GITHUB_API_URL), e.g. https://api.github.com'),
  timeoutMs: z.number().int().positive().default(15_000).describe('Give up on one HTTP request after this long (then it is retried as transient)'),
});

export type GitHubConfig = z.infer<typeof gitHubConfigSchema>;
