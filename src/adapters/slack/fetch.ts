import http from 'node:http';
import https from 'node:https';

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** A call that got no answer within `timeoutMs`. */
export class FetchTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The Slack Web API client's `fetch` (SlackWebApi), on node:http with kept-alive connections. Node's built-in fetch
 * (undici behind web streams) cost ~0.8 ms of CPU a call here, most of a chain step's own work;
 * this costs about a third of it (README "Performance"). Bodies drbot sends are strings; anything
 * else (a form, a Request) goes to the built-in fetch, so this keeps fetch's contract, and so does
 * everything when a proxy is set in the environment (Node's fetch can honour it; node:http cannot).
 *
 * `timeoutMs` bounds each call with a plain timer, not an `AbortSignal.timeout()` per call (as
 * Bolt's WebClient made), which cost more CPU than the rest of the request's set-up on Node 20
 * (README "Performance"). A signal passed in is still honoured.
 */
export function keepAliveFetch(env: NodeJS.ProcessEnv = process.env, o: { timeoutMs?: number } = {}): typeof fetch {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 50 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 50 }) };
  const proxied = PROXY_VARS.some((v) => env[v]);
  const timeoutMs = o.timeoutMs ?? 0;
  // The client calls a handful of method URLs: each is parsed once.
  const parsed = new Map<string, URL>();
  const urlOf = (input: string | URL) => {
    if (typeof input !== 'string') return new URL(input);
    let url = parsed.get(input);
    if (!url) {
      url = new URL(input);
      if (parsed.size < 200) parsed.set(input, url);
    }
    return url;
  };
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = input instanceof Request ? new URL(input.url) : urlOf(input);
    const body = init.body;
    if (proxied || (body != null && typeof body !== 'string') || input instanceof Request || !(url.protocol in agents)) {
      return fetch(input, timeoutMs && !init.signal ? { ...init, signal: AbortSignal.timeout(timeoutMs) } : init);
    }
    const mod = url.protocol === 'https:' ? https : http;
    const headers = init.headers instanceof Headers || Array.isArray(init.headers) ? Object.fromEntries(new Headers(init.headers)) : init.headers;
    return new Promise<Response>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      };
      const req = mod.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:'], signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const buf = Buffer.concat(chunks);
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 0;
          resolve({
            status, statusText: res.statusMessage ?? '', ok: status >= 200 && status < 300, url: url.href, headers, redirected: false,
            text: async () => buf.toString('utf8'),
            json: async () => JSON.parse(buf.toString('utf8')),
            arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
          } as Response);
        });
      });
      if (timeoutMs) timer = setTimeout(() => req.destroy(new FetchTimeout(`no answer from ${url.host} within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  }) as typeof fetch;
}
