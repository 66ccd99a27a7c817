import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { componentStatusFor, createStatusPage } from '../../src/adapters/statuspage/index.ts';
import { NotConfigured, TransientError, type StatusPagePort } from '../../src/ports.ts';
import { startStatusPageStandIn, type StatusPageStandIn } from '../standins/statuspage/server.ts';

const KEY = 'sp-test-key';
const PAGE = 'kctbh9vrtdwd';
const API = 'ftgks51sfs2d';
const VOICE = 'm3vjnbwvf6y1';
let sp: StatusPageStandIn;
let page: StatusPagePort;

beforeEach(async () => {
  sp = await startStatusPageStandIn({ apiKey: KEY, pageId: PAGE });
  page = createStatusPage({ apiKey: KEY, pageId: PAGE, apiUrl: sp.url });
});
afterEach(async () => {
  sp.assertNoViolations();
  await sp.close();
});

describe('componentStatusFor', () => {
  it('maps severity to a component status, and resolution to operational', () => {
    expect([1, 2, 3, 4].map((s) => componentStatusFor(s as 1 | 2 | 3 | 4, false))).toEqual(['major_outage', 'partial_outage', 'degraded_performance', 'operational']);
    expect([1, 2, 3, 4].map((s) => componentStatusFor(s as 1 | 2 | 3 | 4, true))).toEqual(['operational', 'operational', 'operational', 'operational']);
  });
});

describe('Statuspage adapter against the stand-in', () => {
  it('creates, updates and resolves an incident; component statuses land', async () => {
    const sev1 = componentStatusFor(1, false);
    const { id, url } = await page.createIncident({ name: 'Lagos region unreachable', status: 'investigating', body: 'We are investigating.', components: { [API]: sev1, [VOICE]: sev1 } });
    expect(url).toMatch(/^https:\/\/stspg\.io\//);
    expect(sp.components[API].status).toBe('major_outage');
    expect(sp.components[VOICE].status).toBe('major_outage');
    expect(sp.calls[0]).toMatchObject({ method: 'POST', path: `/v1/pages/${PAGE}/incidents` });
    expect(sp.calls[0].body).toEqual({ incident: { name: 'Lagos region unreachable', status: 'investigating', body: 'We are investigating.', components: { [API]: 'major_outage', [VOICE]: 'major_outage' }, component_ids: [API, VOICE] } });

    await page.updateIncident(id, { status: 'identified', body: 'Failing over to Abuja.', components: { [API]: 'partial_outage', [VOICE]: 'major_outage' } });
    expect(sp.components[API].status).toBe('partial_outage');

    await page.updateIncident(id, { status: 'resolved', body: 'Service restored.', components: { [API]: componentStatusFor(1, true), [VOICE]: componentStatusFor(1, true) } });
    const incident = sp.incidents.find((i) => i.id === id)!;
    expect(sp.incidents).toHaveLength(1);
    expect(incident.status).toBe('resolved');
    expect(incident.resolved_at).not.toBeNull();
    expect(incident.incident_updates.map((u) => [u.status, u.body])).toEqual([
      ['resolved', 'Service restored.'], ['identified', 'Failing over to Abuja.'], ['investigating', 'We are investigating.'],
    ]);
    expect(incident.incident_updates[0].affected_components).toContainEqual({ code: VOICE, name: 'Voice (Lagos)', old_status: 'major_outage', new_status: 'operational' });
    expect(Object.values(sp.components).map((c) => c.status)).toEqual(['operational', 'operational', 'operational']);
    expect(sp.calls.map((c) => [c.method, c.status])).toEqual([['POST', 201], ['PATCH', 200], ['PATCH', 200]]);
  });

  it('an update without components leaves them as they were', async () => {
    const { id } = await page.createIncident({ name: 'Dashboard slow', status: 'investigating', body: 'Looking.', components: { [API]: 'degraded_performance' } });
    await page.updateIncident(id, { status: 'monitoring', body: 'A fix is out.', components: {} });
    expect(sp.calls[1].body).toEqual({ incident: { status: 'monitoring', body: 'A fix is out.' } });
    expect(sp.components[API].status).toBe('degraded_performance');
  });

  it('a name over 255 characters is shortened rather than refused', async () => {
    await page.createIncident({ name: 'x'.repeat(300), status: 'investigating', body: 'b', components: {} });
    expect(sp.incidents[0].name).toHaveLength(255);
  });

  it('429 (and 420) with Retry-After is a TransientError with retryAfterMs', async () => {
    sp.rateLimitNext(2);
    const e = await page.createIncident({ name: 'n', status: 'investigating', body: 'b', components: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(2000);
    sp.rateLimitNext(5, 420);
    await expect(page.updateIncident('abc', { status: 'resolved', body: 'b', components: {} })).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 5000 });
    expect(sp.incidents).toHaveLength(0);
  });

  it('a Retry-After date is read against the injected clock', async () => {
    const NOW = new Date('2026-11-25T15:00:00Z');
    const pinned = createStatusPage({ apiKey: KEY, pageId: PAGE, apiUrl: sp.url, now: () => NOW });
    sp.rateLimitNext('Wed, 25 Nov 2026 15:00:45 GMT');
    await expect(pinned.createIncident({ name: 'n', status: 'investigating', body: 'b', components: {} })).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 45_000 });
  });

  it('5xx and network failures are transient; other 4xx are a plain Error with the message', async () => {
    sp.failNext(502);
    await expect(page.createIncident({ name: 'n', status: 'investigating', body: 'b', components: {} })).rejects.toBeInstanceOf(TransientError);
    const e = await page.updateIncident('nosuchincid', { status: 'resolved', body: 'b', components: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TransientError);
    expect((e as Error).message).toMatch(/404.*Incident not found/);
    const dead = createStatusPage({ apiKey: KEY, pageId: PAGE, apiUrl: 'http://127.0.0.1:1/v1' });
    await expect(dead.createIncident({ name: 'n', status: 'investigating', body: 'b', components: {} })).rejects.toBeInstanceOf(TransientError);
  });

  it('without key or page every call is NotConfigured and nothing is sent', async () => {
    const none = createStatusPage({ apiUrl: sp.url });
    const e = await none.createIncident({ name: 'n', status: 'investigating', body: 'b', components: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotConfigured);
    expect((e as NotConfigured).missing).toEqual(['STATUSPAGE_API_KEY', 'STATUSPAGE_PAGE_ID']);
    await expect(createStatusPage({ apiKey: KEY, apiUrl: sp.url }).updateIncident('x', { status: 'resolved', body: 'b', components: {} })).rejects.toMatchObject({ integration: 'Statuspage', missing: ['STATUSPAGE_PAGE_ID'] });
    expect(sp.calls).toHaveLength(0);
  });

  it('the stand-in flags requests that break the description or lack the OAuth key', async () => {
    const post = (body: unknown, auth = `OAuth ${KEY}`) => fetch(`${sp.url}/pages/${PAGE}/incidents`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const broken = await post({ incident: { name: 'n', status: 'broken' } });
    expect(broken.status).toBe(422);
    const badComponent = await post({ incident: { name: 'n', status: 'investigating', components: { [API]: 'on_fire' } } });
    expect(badComponent.status).toBe(422);
    const bearer = await post({ incident: { name: 'n' } }, `Bearer ${KEY}`);
    expect(bearer.status).toBe(401);
    expect(sp.violations).toHaveLength(3);
    expect(sp.violations[0]).toMatch(/body\/incident\/status must be equal to one of the allowed values/);
    expect(sp.violations[1]).toMatch(/components\/ftgks51sfs2d must be equal to one of the allowed values/);
    expect(sp.violations[2]).toMatch(/OAuth/);
    expect(sp.incidents).toHaveLength(0);
    sp.violations.length = 0; // seen and expected: keep afterEach's check for the rest
  });

  it('the stand-in checks its own answers against the description, and close() fails on a bad one', async () => {
    (sp.components[API] as { status: string }).status = 'on_fire'; // a stand-in bug, planted
    const res = await fetch(`${sp.url}/pages/${PAGE}/components/${API}`, { headers: { authorization: `OAuth ${KEY}` } });
    expect(res.status).toBe(200);
    expect(sp.responseErrors).toEqual([expect.stringMatching(
      new RegExp(`^GET /v1/pages/${PAGE}/components/${API}: stand-in answer breaks the description: getPagesPageIdComponentsComponentId: response 200 body/status must be equal to one of the allowed values \\(operational, `),
    )]);
    expect(sp.violations).toEqual(sp.responseErrors);
    await expect(sp.close()).rejects.toThrow(/Statuspage stand-in answered outside its description:\n.*body\/status must be equal to one of the allowed values/);
    sp.responseErrors.length = 0; // seen and expected: afterEach closes again and checks the rest
    sp.violations.length = 0;
  });
});
