/**
 * The only importer of @pagerduty/pdjs. What pdjs 2.2.4 does (build/src/common.js, events.js, api.js):
 * - URLs: `https://${server}/v2/enqueue` for events, `https://${server}/${endpoint}` for REST.
 * - Transport: cross-fetch → node-fetch 2, and every option we pass reaches node-fetch
 *   unchanged, so `agent` (an https.Agent) and `timeout` work. There is no custom-fetch hook.
 * - A 429 is retried 3 times (hard-coded; its `retryCount` option is unused), waiting a fixed
 *   `retryTimeout` (default 20 s) and ignoring Retry-After; after the 3rd retry the 429 is returned.
 *   We set `retryTimeout` to 0 so no caller sleeps inside pdjs: the retries go out at once and
 *   the last 429's Retry-After is handed to drbot's scheduler.
 * - `requestTimeout` (default 30 s) only arms a no-op timer that keeps the process alive, so it
 *   is turned off; node-fetch's `timeout` is the real one.
 * - Non-2xx answers are not thrown: the status is checked here.
 * pdjs is loaded on the first call (a drbot without PagerDuty never loads it).
 */
import type { Agent } from 'node:https';
import type { api as pdApi, event as pdEvent } from '@pagerduty/pdjs';
import { parseRetryAfter } from '../../core/retryAfter.ts';
import { TransientError } from '../../ports.ts';
import { errorMessage, type EnqueueAccepted, type EnqueueBody, type RestIncident } from './map.ts';

export interface Transport {
  agent?: Agent;
  retryTimeoutMs: number;
  timeoutMs: number;
  /** The clock Retry-After dates are read against. */
  now: () => Date;
}

/** What pdjs hands back: node-fetch's Response with the parsed body as `data`. */
interface PdResponse {
  status: number;
  headers: { get(name: string): string | null };
  data: unknown;
}

let pdjs: Promise<{ api: typeof pdApi; event: typeof pdEvent }> | undefined;
const loadPdjs = () => (pdjs ??= import('@pagerduty/pdjs'));

function requestOptions(t: Transport) {
  return {
    retryTimeout: t.retryTimeoutMs,
    requestTimeout: 0,
    timeout: t.timeoutMs,
    ...(t.agent ? { agent: t.agent } : {}),
  };
}

/** `POST /v2/enqueue`. Resolves on 202; throws TransientError or a plain Error otherwise. */
export async function postEvent(server: string, body: EnqueueBody, t: Transport): Promise<EnqueueAccepted> {
  const { event } = await loadPdjs();
  let res: PdResponse;
  try {
    // pdjs's type wants a payload on every action; acknowledge/resolve need none (see map.ts).
    res = await event({ server, data: body as Parameters<typeof event>[0]['data'], ...requestOptions(t) });
  } catch (e) {
    throw failure(e, 'Events API', t);
  }
  if (res.status >= 200 && res.status < 300) return res.data as EnqueueAccepted;
  throw httpError(res, 'Events API', t);
}

/** `GET /incidents` with the headers rest.openapiv3.json requires. */
export async function listIncidents(server: string, token: string, query: Record<string, string>, t: Transport): Promise<RestIncident[]> {
  const { api } = await loadPdjs();
  let res: PdResponse;
  try {
    res = await api({
      server, endpoint: 'incidents', method: 'GET', token, tokenType: 'token', queryParameters: query,
      // pdjs sends `Accept: application/vnd.pagerduty+json;version=2` and `Authorization: Token token=…`;
      // its Content-Type carries `; charset=utf-8`, which the description's enum does not allow.
      headers: { 'Content-Type': 'application/json' },
      ...requestOptions(t),
    });
  } catch (e) {
    throw failure(e, 'REST API', t);
  }
  if (res.status >= 200 && res.status < 300) return ((res.data as { incidents?: RestIncident[] }).incidents ?? []);
  throw httpError(res, 'REST API', t);
}

/** 429, 408 and 5xx are worth retrying; any other status is a refusal. */
function httpError(res: PdResponse, what: string, t: Transport): Error {
  const said = errorMessage(res.data);
  const text = `PagerDuty ${what} answered ${res.status}${said ? `: ${said}` : ''}`;
  if (res.status === 429) return new TransientError(text, retryAfterMs(res.headers, t.now()));
  if (res.status === 408 || res.status >= 500) return new TransientError(text);
  if (res.status === 401 || res.status === 403) return new Error(`${text} (check PAGERDUTY_API_TOKEN and its permissions)`);
  return new Error(text);
}

/** Retry-After (seconds or an HTTP date); the REST API also sends `ratelimit-reset` (seconds, same syntax). */
function retryAfterMs(headers: PdResponse['headers'], now: Date): number | undefined {
  return parseRetryAfter(headers.get('retry-after') ?? headers.get('ratelimit-reset'), now);
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** A rejected pdjs call: network trouble, a timeout, an unreadable body, or an untrusted certificate. */
function failure(e: unknown, what: string, t: Transport): Error {
  // pdjs's REST call rejects with the Response itself when the body is not JSON.
  const res = e as Partial<PdResponse> | undefined;
  if (typeof res?.status === 'number' && res.headers) return httpError({ status: res.status, headers: res.headers, data: undefined }, what, t);
  const err = e as { type?: string; code?: string; name?: string; message?: string };
  if (err?.code && TLS_TRUST.test(err.code)) {
    // Retrying will not make the certificate trusted.
    return new Error(`PagerDuty ${what}: the server's TLS certificate is not trusted (${err.code}); for a local stand-in pass an https.Agent with its CA or set NODE_EXTRA_CA_CERTS`);
  }
  // The Events call parses the body before we see the status: a non-JSON answer (a proxy's
  // 502 page) arrives here as `invalid-json`, status unknown. The dedup key makes a retry safe.
  if (err?.type === 'invalid-json') return new TransientError(`PagerDuty ${what} answered with a body that is not JSON`);
  if (err?.type === 'request-timeout' || err?.name === 'AbortError') return new TransientError(`PagerDuty ${what} did not answer in time`);
  return new TransientError(`PagerDuty ${what} unreachable: ${err?.code ?? err?.message ?? String(e)}`);
}
