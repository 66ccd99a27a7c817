import { parseRetryAfter } from '../../core/retryAfter.ts';
import { TransientError } from '../../ports.ts';
import { keepAliveFetch } from './fetch.ts';

/** Slack answered `ok: false`, with its error code (`channel_not_found`, `name_taken` …). */
export class SlackRefused extends Error {
  override readonly name = 'SlackRefused';
  constructor(readonly code: string) {
    super(`Slack refused: ${code}`);
  }
}

export interface SlackWebApiOptions {
  /** Longest a call may go unanswered (default 10 s). */
  timeoutMs?: number;
  /** Pause before the one retry of a call that got no answer or a 5xx (default 200 ms). */
  retryPauseMs?: number;
  /** Told the warnings of an answer that succeeded (`response_metadata.warnings`: a deprecation, a fixed-up argument). */
  onWarnings?: (method: string, warnings: string[]) => void;
}

/**
 * The Slack Web API methods drbot calls itself (SlackChat), sent as the Web API describes them:
 * POST, form-encoded (objects such as `blocks` as JSON strings), `Authorization: Bearer`.
 *
 * Bolt's WebClient did this before, and showed on a busy replica's profile during a burst (~5 of
 * its ~42 ms): it JSON-serialised each body, its headers and its answer for debug lines that were
 * never printed, queued every call and wrapped it in a retry (README "Performance"). What drbot
 * relied on is kept: a 429 is a TransientError with its Retry-After (bounded), a call that got no
 * answer or a 5xx is tried once more after a short pause, `ok: false` is SlackRefused. Retries
 * beyond that are the scheduler's (a failed step is tried again with backoff).
 */
export class SlackWebApi {
  private readonly fetch: typeof fetch;
  private readonly headers: Record<string, string>;
  private readonly retryPauseMs: number;
  private readonly onWarnings?: SlackWebApiOptions['onWarnings'];

  constructor(token: string, private readonly baseUrl: string, o: SlackWebApiOptions = {}) {
    this.onWarnings = o.onWarnings;
    this.fetch = keepAliveFetch(process.env, { timeoutMs: o.timeoutMs ?? 10_000 });
    this.retryPauseMs = o.retryPauseMs ?? 200;
    this.headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' };
    if (!baseUrl.endsWith('/')) this.baseUrl = `${baseUrl}/`;
  }

  call<T extends object>(method: string, args: Record<string, unknown>): Promise<T> {
    return this.prepare<T>(method, args)();
  }

  /** A call encoded now and sent when the function returned is called (a step made ready before its due time). */
  prepare<T extends object>(method: string, args: Record<string, unknown>): () => Promise<T> {
    const body = formBody(args);
    return () => this.send<T>(method, body);
  }

  private async send<T extends object>(method: string, body: string): Promise<T> {
    const init = { method: 'POST', headers: this.headers, body, redirect: 'error' as const };
    for (let attempt = 1; ; attempt++) {
      const again = attempt < 2;
      let res: Response;
      try {
        res = await this.fetch(this.baseUrl + method, init);
      } catch (e) {
        // No answer (refused, reset, timed out): the send may or may not have reached Slack, as
        // with the WebClient's own retry.
        if (again) {
          await pause(this.retryPauseMs);
          continue;
        }
        throw new TransientError(`Slack call failed: ${(e as Error).message ?? String(e)}`);
      }
      if (res.status === 429) {
        await res.text().catch(() => undefined);
        // Slack sends Retry-After in seconds; without one, a second.
        throw new TransientError('Slack rate limited the call', parseRetryAfter(res.headers.get('retry-after'), new Date()) ?? 1000);
      }
      if (res.status !== 200) {
        const text = await res.text().catch(() => '');
        if (again && res.status >= 500) {
          await pause(this.retryPauseMs);
          continue;
        }
        throw new TransientError(`Slack call failed: HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`);
      }
      let data: { ok?: boolean; error?: string; response_metadata?: { warnings?: unknown } };
      try {
        data = (await res.json()) as typeof data;
      } catch (e) {
        throw new TransientError(`Slack call failed: the answer is not JSON (${(e as Error).message})`);
      }
      if (data?.ok !== true) throw new SlackRefused(String(data?.error ?? 'unknown'));
      const warnings = data.response_metadata?.warnings;
      if (Array.isArray(warnings) && warnings.length) this.onWarnings?.(method, warnings.map(String));
      return data as T;
    }
  }
}

/** `application/x-www-form-urlencoded`, as the WebClient sent it: null and undefined left out, objects as JSON. */
export function formBody(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form.toString();
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
