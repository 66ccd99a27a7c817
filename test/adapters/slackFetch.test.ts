import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackChat } from '../../src/adapters/slack/chat.ts';
import { keepAliveFetch } from '../../src/adapters/slack/fetch.ts';
import { textMessage } from '../../src/core/message.ts';
import { SlackRefused, SlackWebApi } from '../../src/adapters/slack/webApi.ts';
import { TransientError } from '../../src/ports.ts';

/** A real HTTP server that records what it got and answers with `answer`. */
async function server(answer: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void) {
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let connections = 0;
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, body, res);
    });
  });
  srv.on('connection', () => connections++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  closers.push(() => new Promise<void>((r) => {
    srv.closeAllConnections();
    srv.close(() => r());
  }));
  return { url, seen, connections: () => connections };
}
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('keepAliveFetch (the Slack Web API client\'s fetch)', () => {
  it('sends the method, headers and body as given (with their length) and reads the answer as a Response', async () => {
    const s = await server((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-OAuth-Scopes': 'chat:write' });
      res.end(JSON.stringify({ ok: true, ts: '1.2' }));
    });
    const res = await keepAliveFetch()(`${s.url}/api/chat.postMessage`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' }, body: 'channel=C1&text=h%C3%A9',
    });
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/api/chat.postMessage', body: 'channel=C1&text=h%C3%A9' });
    expect(s.seen[0].headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-1', 'content-length': '23' });
    expect(s.seen[0].headers['transfer-encoding']).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${s.url}/api/chat.postMessage`);
    expect(res.headers.get('x-oauth-scopes')).toBe('chat:write');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true, ts: '1.2' });
  });

  it('keeps the connection: calls one after another share one TCP connection', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true}'));
    const f = keepAliveFetch();
    for (let i = 0; i < 5; i++) expect(await (await f(`${s.url}/api/auth.test`, { method: 'POST', body: 'x=1' })).text()).toBe('{"ok":true}');
    expect(s.seen).toHaveLength(5);
    expect(s.connections()).toBe(1);
  });

  it('gives up when its signal aborts (the client\'s timeout), and the call fails instead of hanging', async () => {
    const s = await server(() => undefined); // never answers
    const started = Date.now();
    const e = await keepAliveFetch()(`${s.url}/api/chat.postMessage`, { method: 'POST', body: 'x=1', signal: AbortSignal.timeout(200) }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('with timeoutMs and no signal, a call with no answer, or an answer that stops half-way, fails with a TimeoutError', async () => {
    const silent = await server(() => undefined);
    const halfway = await server((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"ok":'); // and nothing more
    });
    const f = keepAliveFetch({}, { timeoutMs: 200 });
    for (const s of [silent, halfway]) {
      const started = Date.now();
      const e = await f(`${s.url}/api/chat.postMessage`, { method: 'POST', body: 'x=1' }).then((r) => r.text()).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('TimeoutError');
      expect((e as Error).message).toContain('within 200 ms');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    // An answer in time leaves no timer behind to fail it later.
    const quick = await server((_req, _body, res) => res.end('{"ok":true}'));
    expect(await (await f(`${quick.url}/api/auth.test`, { method: 'POST', body: 'x=1' })).json()).toEqual({ ok: true });
  });

  it('through SlackChat: a Slack that never answers fails the call within the client\'s bound (kept by the fetch), as a TransientError', async () => {
    const silent = await server(() => undefined);
    const chat = new SlackChat(new SlackWebApi('xoxb-test', `${silent.url}/api/`, { timeoutMs: 200 }));
    const started = Date.now();
    const e = await chat.post('C1', textMessage(['Lagos region unreachable'])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toContain('within 200 ms');
    // Two tries (the client retries once) of 200 ms each, and its short pause between them.
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(silent.seen).toHaveLength(2);
  });

  it('a body that is not a string (a file upload\'s form) goes through the built-in fetch, intact', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true}'));
    const form = new FormData();
    form.set('filename', 'pir.md');
    const res = await keepAliveFetch()(`${s.url}/api/files.upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(s.seen[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(s.seen[0].body).toContain('pir.md');
  });

  it('with a proxy in the environment every call goes through the built-in fetch (which can honour it)', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true}'));
    await keepAliveFetch({})(`${s.url}/api/auth.test`, { method: 'POST', body: 'x=1', headers: new Headers({ 'X-Case': 'headers object' }) });
    await keepAliveFetch({ HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: '127.0.0.1' })(`${s.url}/api/auth.test`, { method: 'POST', body: 'x=1' });
    // Node's fetch says what it is with fetch metadata headers; node:http sends none.
    expect(s.seen.map((r) => r.headers['sec-fetch-mode'])).toEqual([undefined, 'cors']);
    expect(s.seen[0].headers['x-case']).toBe('headers object');
  });

  it('through SlackChat: a 503 is a TransientError (worth another try), a refused connection too', async () => {
    const s = await server((_req, _body, res) => {
      res.writeHead(503);
      res.end('down for maintenance');
    });
    const chat = new SlackChat(new SlackWebApi('xoxb-test', `${s.url}/api/`));
    await expect(chat.post('C1', textMessage(['Lagos region unreachable']))).rejects.toBeInstanceOf(TransientError);

    const closed = await server(() => undefined);
    await closers.pop()!();
    const gone = new SlackChat(new SlackWebApi('xoxb-test', `${closed.url}/api/`));
    const e = await gone.post('C1', textMessage(['Lagos region unreachable'])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
  });
});

describe('SlackWebApi (drbot\'s Slack Web API client)', () => {
  it('sends a method as the Web API describes it: POST, form-encoded, objects as JSON, nothing for null or undefined, the token as a Bearer header', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true,"channel":"C1","ts":"1.2"}'));
    const api = new SlackWebApi('xoxb-test', `${s.url}/api`);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Lagos & Abuja <down>' } }];
    expect(await api.call('chat.postMessage', { channel: 'C1', text: 'héllo', blocks, unfurl_links: false, thread_ts: undefined, icon_url: null })).toEqual({ ok: true, channel: 'C1', ts: '1.2' });
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
    expect(s.seen[0].headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test' });
    const form = new URLSearchParams(s.seen[0].body);
    expect([...form.keys()]).toEqual(['channel', 'text', 'blocks', 'unfurl_links']);
    expect(form.get('text')).toBe('héllo');
    expect(JSON.parse(form.get('blocks')!)).toEqual(blocks);
    expect(form.get('unfurl_links')).toBe('false');
  });

  it('a prepared call is encoded when prepared and sent only when called', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true,"channel":"C1","ts":"1.3"}'));
    const api = new SlackWebApi('xoxb-test', `${s.url}/api`);
    const args: Record<string, unknown> = { channel: 'C1', text: 'as prepared' };
    const send = api.prepare('chat.postMessage', args);
    args.text = 'changed after';
    await new Promise((r) => setTimeout(r, 20));
    expect(s.seen).toHaveLength(0);
    expect(await send()).toEqual({ ok: true, channel: 'C1', ts: '1.3' });
    expect(new URLSearchParams(s.seen[0].body).get('text')).toBe('as prepared');
  });

  it('an answer with ok: false is SlackRefused with Slack\'s code, sent once', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":false,"error":"channel_not_found"}'));
    const e = await new SlackWebApi('xoxb-test', `${s.url}/api/`).call('chat.postMessage', { channel: 'C404', text: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SlackRefused);
    expect((e as SlackRefused).code).toBe('channel_not_found');
    expect(s.seen).toHaveLength(1);
  });

  it('a 5xx is tried once more after a pause, and the second answer counts; a 4xx is not tried again', async () => {
    let n = 0;
    const flaky = await server((_req, _body, res) => {
      if (n++ === 0) {
        res.writeHead(502);
        return void res.end('bad gateway');
      }
      res.end('{"ok":true,"ts":"1.2"}');
    });
    const started = Date.now();
    expect(await new SlackWebApi('xoxb-test', `${flaky.url}/api/`, { retryPauseMs: 100 }).call('chat.postMessage', { channel: 'C1', text: 'x' })).toMatchObject({ ts: '1.2' });
    expect(flaky.seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);

    const refused = await server((_req, _body, res) => {
      res.writeHead(400);
      res.end('invalid form');
    });
    const e = await new SlackWebApi('xoxb-test', `${refused.url}/api/`).call('chat.postMessage', { channel: 'C1', text: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toBe('Slack call failed: HTTP 400 invalid form');
    expect(refused.seen).toHaveLength(1);
  });

  it('a 429 without Retry-After waits a second; an answer that is not JSON is a TransientError', async () => {
    const limited = await server((_req, _body, res) => {
      res.writeHead(429);
      res.end();
    });
    await expect(new SlackWebApi('xoxb-test', `${limited.url}/api/`).call('chat.update', { channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 1000 });
    expect(limited.seen).toHaveLength(1);

    const html = await server((_req, _body, res) => res.end('<html>maintenance</html>'));
    const e = await new SlackWebApi('xoxb-test', `${html.url}/api/`).call('chat.update', { channel: 'C1', ts: '1.2', text: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toMatch(/^Slack call failed: the answer is not JSON/);
  });
});

describe('SlackWebApi: warnings', () => {
  it('an answer that succeeds with warnings is returned, and its warnings are told (drbot logs them)', async () => {
    const s = await server((_req, _body, res) => res.end('{"ok":true,"ts":"1.2","response_metadata":{"warnings":["missing_charset","superfluous_charset"]}}'));
    const told: [string, string[]][] = [];
    const api = new SlackWebApi('xoxb-test', `${s.url}/api/`, { onWarnings: (m, w) => told.push([m, w]) });
    expect(await api.call('chat.postMessage', { channel: 'C1', text: 'x' })).toMatchObject({ ok: true, ts: '1.2' });
    expect(told).toEqual([['chat.postMessage', ['missing_charset', 'superfluous_charset']]]);
  });
});
