import { execFile } from 'node:child_process';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDuty, pagerSeverity } from '../../src/adapters/pagerduty/index.ts';
import { NotConfigured, TransientError, type PagerPort, type PageRequest } from '../../src/ports.ts';
import { PagerDutyStandIn } from '../standins/pagerduty/server.ts';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdef012345';
const API_TOKEN = 'y_NbAkKc66ryYTWUXYEu';

let pd: PagerDutyStandIn;
let agent: Agent;
let pager: PagerPort;

const page = (over: Partial<PageRequest> = {}): PageRequest => ({
  dedupKey: 'drbot-INC-7-page-oncall', summary: 'SEV-1 INC-7: Lagos region unreachable', severity: 'critical', source: 'drbot', ...over,
});

/** Errors a call rejects with, to assert on their class and fields. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  pd = await PagerDutyStandIn.start({ routingKeys: [ROUTING_KEY], apiToken: API_TOKEN });
  agent = new Agent({ ca: pd.caPem });
  pager = createPagerDuty({ routingKey: ROUTING_KEY, eventsUrl: pd.url, apiToken: API_TOKEN, apiUrl: pd.url, agent });
});

afterEach(async () => {
  agent.destroy();
  await pd.close();
});

describe('PagerDuty adapter against the stand-in', () => {
  it('triggers once per dedup key: a repeat collapses into the same incident', async () => {
    const first = await pager.trigger(page({ links: [{ href: 'http://localhost:3000/incidents/7', text: 'drbot' }], customDetails: { incident: 'INC-7' } }));
    const again = await pager.trigger(page());
    expect(first.dedupKey).toBe('drbot-INC-7-page-oncall');
    expect(again.dedupKey).toBe(first.dedupKey);
    expect(pd.events).toHaveLength(2);
    expect(pd.events[0]).toMatchObject({
      routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: first.dedupKey,
      payload: { summary: 'SEV-1 INC-7: Lagos region unreachable', source: 'drbot', severity: 'critical', custom_details: { incident: 'INC-7' } },
      links: [{ href: 'http://localhost:3000/incidents/7', text: 'drbot' }],
    });
    expect(pd.incidents).toHaveLength(1);
    expect(pd.incidents[0].log.map((l) => l.type)).toEqual(['trigger', 'trigger (deduplicated)']);
    pd.assertNoViolations();
  });

  it('acknowledges and resolves through the Events API', async () => {
    await pager.trigger(page());
    await pager.acknowledge('drbot-INC-7-page-oncall');
    expect(pd.incidents[0].status).toBe('acknowledged');
    await pager.resolve('drbot-INC-7-page-oncall');
    expect(pd.incidents[0].status).toBe('resolved');
    expect(pd.events.map((e) => [e.event_action, e.payload])).toEqual([['trigger', expect.any(Object)], ['acknowledge', undefined], ['resolve', undefined]]);
    // After a resolve the same key opens a new incident, as PagerDuty does.
    await pager.trigger(page());
    expect(pd.incidents.map((i) => i.status)).toEqual(['resolved', 'triggered']);
    pd.assertNoViolations();
  });

  it('uses the routing key a page names, else PAGERDUTY_ROUTING_KEY', async () => {
    const other = 'ESCALATION2KEY456789abcdef012345';
    const stand = await PagerDutyStandIn.start();
    const p = createPagerDuty({ routingKey: ROUTING_KEY, eventsUrl: `${stand.url}/v2`, apiUrl: stand.url, agent: new Agent({ ca: stand.caPem }) });
    await p.trigger(page({ routingKey: other }));
    await p.resolve('drbot-INC-7-page-oncall', other);
    await p.trigger(page({ dedupKey: 'k2' }));
    expect(stand.events.map((e) => e.routing_key)).toEqual([other, other, ROUTING_KEY]);
    stand.assertNoViolations();
    await stand.close();
  });

  it('maps drbot severities to PagerDuty severities', async () => {
    expect([1, 2, 3, 4].map((s) => pagerSeverity(s as 1 | 2 | 3 | 4))).toEqual(['critical', 'error', 'warning', 'info']);
    for (const sev of [1, 2, 3, 4] as const) await pager.trigger(page({ dedupKey: `sev${sev}`, severity: pagerSeverity(sev) }));
    expect(pd.incidents.map((i) => i.severity)).toEqual(['critical', 'error', 'warning', 'info']);
    pd.assertNoViolations();
  });

  it('reads an acknowledgement back through the REST API', async () => {
    expect(await pager.acknowledgement('never-paged')).toBeUndefined();
    await pager.trigger(page());
    expect(await pager.acknowledgement('drbot-INC-7-page-oncall')).toEqual({ acknowledged: false });
    const before = Date.now();
    pd.acknowledge('drbot-INC-7-page-oncall', 'Ada Obi');
    const ack = await pager.acknowledgement('drbot-INC-7-page-oncall');
    expect(ack).toMatchObject({ acknowledged: true, by: 'Ada Obi' });
    expect(ack!.at!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    pd.assertNoViolations();
  });

  it('429 with Retry-After → TransientError carrying retryAfterMs, without pdjs sleeping 20 s', async () => {
    // pdjs always retries a 429 three times; with retryTimeout 0 they go out at once.
    pd.rateLimitNext(4, 7);
    const started = Date.now();
    const err = await failure(pager.trigger(page()));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).retryAfterMs).toBe(7000);
    expect(pd.requests.map((r) => r.status)).toEqual([429, 429, 429, 429]);
    expect(pd.incidents).toHaveLength(0);

    pd.rateLimitNext(4, 3);
    const rest = await failure(pager.acknowledgement('drbot-INC-7-page-oncall'));
    expect(rest).toBeInstanceOf(TransientError);
    expect((rest as TransientError).retryAfterMs).toBe(3000);
    pd.assertNoViolations();
  });

  it('a Retry-After date is read against the injected clock', async () => {
    const NOW = new Date('2026-11-25T15:00:00Z');
    const pinned = createPagerDuty({ routingKey: ROUTING_KEY, eventsUrl: pd.url, apiToken: API_TOKEN, apiUrl: pd.url, agent, now: () => NOW });
    pd.rateLimitNext(4, 'Wed, 25 Nov 2026 15:00:20 GMT');
    expect(await failure(pinned.trigger(page()))).toMatchObject({ name: 'TransientError', retryAfterMs: 20_000 });
    pd.assertNoViolations();
  });

  it('a single 429 is absorbed by pdjs\'s immediate retry', async () => {
    pd.rateLimitNext(1, 30);
    await pager.trigger(page());
    expect(pd.requests.map((r) => r.status)).toEqual([429, 202]);
    expect(pd.incidents).toHaveLength(1);
    pd.assertNoViolations();
  });

  it('5xx → TransientError (Events and REST)', async () => {
    pd.failNext(503);
    expect(await failure(pager.trigger(page()))).toBeInstanceOf(TransientError);
    pd.failNext(500);
    expect(await failure(pager.acknowledgement('x'))).toBeInstanceOf(TransientError);
    expect(pd.requests.map((r) => r.status)).toEqual([503, 500]);
    pd.assertNoViolations();
  });

  it('400 → a plain Error with PagerDuty\'s message', async () => {
    const err = await failure(pager.trigger(page({ routingKey: 'not-a-known-routing-key' })));
    expect(err).not.toBeInstanceOf(TransientError);
    expect(err.message).toContain('400');
    expect(err.message).toContain('Event object is invalid: Invalid routing key');
    pd.assertNoViolations();
  });

  it('a wrong API token → a plain Error naming PAGERDUTY_API_TOKEN', async () => {
    const p = createPagerDuty({ eventsUrl: pd.url, apiUrl: pd.url, apiToken: 'wrong-token-123', agent });
    const err = await failure(p.acknowledgement('x'));
    expect(err).not.toBeInstanceOf(TransientError);
    expect(err.message).toMatch(/401.*PAGERDUTY_API_TOKEN/);
    expect(err.message).not.toContain('wrong-token-123');
    pd.assertNoViolations();
  });

  it('no routing key → NotConfigured; no API token → NotConfigured; nothing sent', async () => {
    const p = createPagerDuty({ routingKey: '', eventsUrl: pd.url, apiUrl: pd.url, agent });
    const t = await failure(p.trigger(page()));
    expect(t).toBeInstanceOf(NotConfigured);
    expect(t).toMatchObject({ integration: 'PagerDuty', missing: ['PAGERDUTY_ROUTING_KEY'] });
    expect(await failure(p.resolve('k'))).toBeInstanceOf(NotConfigured);
    expect(await failure(p.acknowledgement('k'))).toMatchObject({ integration: 'PagerDuty', missing: ['PAGERDUTY_API_TOKEN'] });
    expect(pd.requests).toHaveLength(0);
  });

  it('a server that is down → TransientError; an untrusted certificate → a plain Error', async () => {
    const port = await freePort();
    const down = createPagerDuty({ routingKey: ROUTING_KEY, eventsUrl: `https://127.0.0.1:${port}`, apiUrl: `https://127.0.0.1:${port}` });
    expect(await failure(down.trigger(page()))).toBeInstanceOf(TransientError);

    const untrusted = createPagerDuty({ routingKey: ROUTING_KEY, eventsUrl: pd.url, apiUrl: pd.url });
    const err = await failure(untrusted.trigger(page()));
    expect(err).not.toBeInstanceOf(TransientError);
    expect(err.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(pd.requests).toHaveLength(0);
  });

  it('a spawned drbot process trusts the stand-in through NODE_EXTRA_CA_CERTS', async () => {
    const adapter = new URL('../../src/adapters/pagerduty/index.ts', import.meta.url).href;
    const script = `const { createPagerDuty } = await import(${JSON.stringify(adapter)});
      const p = createPagerDuty({ routingKey: ${JSON.stringify(ROUTING_KEY)}, eventsUrl: ${JSON.stringify(pd.url)}, apiUrl: ${JSON.stringify(pd.url)} });
      console.log(JSON.stringify(await p.trigger({ dedupKey: 'spawned', summary: 's', severity: 'info', source: 'drbot' })));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: pd.caFile },
    });
    expect(JSON.parse(stdout)).toEqual({ dedupKey: 'spawned' });
    expect(pd.incidents.map((i) => i.dedupKey)).toEqual(['spawned']);
    pd.assertNoViolations();
  });

  it('refuses an http:// URL at start: pdjs would speak HTTPS to it anyway', () => {
    expect(() => createPagerDuty({ eventsUrl: 'http://127.0.0.1:9', apiUrl: pd.url })).toThrow(/eventsUrl: must be an https:\/\/ URL/);
  });
});

describe('PagerDuty stand-in', () => {
  it('flags a request that breaks the description and answers 400 like PagerDuty', async () => {
    const res = await postJson(`${pd.url}/v2/enqueue`, { routing_key: ROUTING_KEY, event_action: 'trigger', payload: { summary: 's', source: 'drbot' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(pd.violations).toEqual(["createV2Event: body/payload must have required property 'severity'"]);
    expect(() => pd.assertNoViolations()).toThrow(/breaking the description/);

    const ack = await postJson(`${pd.url}/v2/enqueue`, { routing_key: ROUTING_KEY, event_action: 'acknowledge' });
    expect(ack.status).toBe(400);
    expect(pd.violations[1]).toMatch(/dedup_key is required unless event_action is trigger/);
    expect(pd.events).toHaveLength(0);
    expect(pd.responseErrors).toEqual([]); // its 400 answers match the description
  });

  it('checks its own answers against the description, and close() fails on a bad one', async () => {
    await pager.trigger(page());
    (pd.incidents[0] as { status: string }).status = 'on_fire'; // a stand-in bug, planted
    await pager.acknowledgement('drbot-INC-7-page-oncall').catch(() => undefined);
    expect(pd.responseErrors).toEqual([expect.stringMatching(
      /^GET \/incidents: stand-in answer breaks the description: listIncidents: response 200 body\/incidents\/0\/status must be equal to one of the allowed values \(triggered, acknowledged, resolved\)$/,
    )]);
    expect(pd.violations).toEqual(pd.responseErrors);
    await expect(pd.close()).rejects.toThrow(/PagerDuty stand-in answered outside its description:\n.*incidents\/0\/status/);
    pd.responseErrors.length = 0; // seen and expected: afterEach closes again
    pd.violations.length = 0;
  });
});

function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
