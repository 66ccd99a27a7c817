import { parseRetryAfter } from '../../core/retryAfter.ts';
import { TransientError } from '../../ports.ts';
import type { StatusPageConfig } from './config.ts';
import { errorText, type SpIncidentRequest } from './map.ts';

/**
 * Statuspage API v1 over plain fetch (there is no SDK in drbot's constraints). Answers become
 * the port's errors: TransientError for 420/429 (rate limit, about 1 request/s), 5xx and network
 * failures; a plain Error with Statuspage's message for any other refusal.
 */
export function createStatusPageClient(
  c: StatusPageConfig & { apiKey: string; pageId: string },
  fetchImpl: typeof fetch = globalThis.fetch,
  now: () => Date = () => new Date(),
) {
  const page = `${c.apiUrl}/pages/${encodeURIComponent(c.pageId)}`;

  async function send(method: 'POST' | 'PATCH', url: string, body: unknown, what: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { authorization: `OAuth ${c.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(c.timeoutMs),
      });
    } catch (e) {
      throw new TransientError(`Statuspage could not ${what}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (res.ok) return data;
    const message = errorText(data, res.statusText || text.slice(0, 200));
    if (res.status === 420 || res.status === 429 || res.status >= 500) {
      throw new TransientError(`Statuspage could not ${what} (${res.status}): ${message}`, parseRetryAfter(res.headers.get('retry-after'), now()));
    }
    throw new Error(`Statuspage refused to ${what} (${res.status}): ${message}`);
  }

  return {
    createIncident: (body: SpIncidentRequest) => send('POST', `${page}/incidents`, body, 'create the incident'),
    updateIncident: (id: string, body: SpIncidentRequest) => send('PATCH', `${page}/incidents/${encodeURIComponent(id)}`, body, `update incident ${id}`),
  };
}

export type StatusPageClient = ReturnType<typeof createStatusPageClient>;
