import { z } from 'zod';
import { secret } from '../../config/fields.ts';

/** What the Statuspage adapter needs; key and page may be missing (then every call says NotConfigured). */
export const statusPageConfigSchema = z.object({
  apiKey: secret(z.string().min(1).optional(), 'Atlassian Statuspage API key (STATUSPAGE_API_KEY), sent as "Authorization: OAuth <key>"'),
  pageId: z.string().min(1).optional().describe('Statuspage page id (STATUSPAGE_PAGE_ID)'),
  apiUrl: z.string().url().transform((u) => u.replace(/\/+$/, '')).describe('Statuspage API base URL (STATUSPAGE_API_URL), e.g. https://api.statuspage.io/v1'),
  timeoutMs: z.number().int().positive().default(15_000).describe('Give up on one HTTP request after this long (then it is retried as transient)'),
});

export type StatusPageConfig = z.infer<typeof statusPageConfigSchema>;
