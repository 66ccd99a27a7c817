import { NotConfigured, type StatusPagePort } from '../../ports.ts';
import { createStatusPageClient, type StatusPageClient } from './client.ts';
import { statusPageConfigSchema } from './config.ts';
import { fromIncident, toIncidentRequest } from './map.ts';

export { componentStatusFor } from './map.ts';
export { statusPageConfigSchema } from './config.ts';

export interface StatusPageOptions {
  apiKey?: string;
  pageId?: string;
  apiUrl: string;
  /** Injected transport (tests, proxies); defaults to the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The clock Retry-After dates are read against (default: the system clock). */
  now?: () => Date;
}

/**
 * Atlassian Statuspage incidents. Statuspage has no idempotency key: the caller stores the id
 * that createIncident returns and sends every later change as updateIncident on that id.
 */
export function createStatusPage(opts: StatusPageOptions): StatusPagePort {
  const cfg = statusPageConfigSchema.parse({ apiKey: opts.apiKey || undefined, pageId: opts.pageId || undefined, apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
  let client: StatusPageClient | undefined;
  const sp = (): StatusPageClient => {
    const missing = [!cfg.apiKey && 'STATUSPAGE_API_KEY', !cfg.pageId && 'STATUSPAGE_PAGE_ID'].filter((x): x is string => !!x);
    if (missing.length) throw new NotConfigured('Statuspage', missing);
    return (client ??= createStatusPageClient({ ...cfg, apiKey: cfg.apiKey!, pageId: cfg.pageId! }, opts.fetch, opts.now));
  };

  return {
    async createIncident(i) {
      return fromIncident(await sp().createIncident(toIncidentRequest(i)));
    },
    async updateIncident(id, u) {
      await sp().updateIncident(id, toIncidentRequest(u));
    },
  };
}
