import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { statusRoutes } from '../../src/http/status.ts';
import type { StatusView } from '../../src/service/publicStatus.ts';
import { testApp } from '../helpers/app.ts';
import { testConfigDir } from '../helpers/configDir.ts';

const ADA = 'U0ONCALL01';
const INTERNAL = 'Credential stuffing from 10.0.0.3 against the billing DB';
type T = Awaited<ReturnType<typeof testApp>>;

/**
 * Issue 11 #6: drbot's own /status and /status.json show only what was made public — a
 * `--public` update, the chain's status-page step, or the Publish button — in the public
 * words, never the internal title.
 */
describe('/status shows only what was made public', () => {
  let t: T | undefined;
  let server: ReturnType<typeof createHttpServer> | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    server = t = dataDir = undefined;
  });

  async function start(o: { env?: Record<string, string>; review?: boolean } = {}) {
    const dir = testConfigDir({ 'drbot.yml': (d) => { d.status_page = { ...d.status_page, on_declare: [], review: !!o.review }; } });
    t = await testApp({ configDir: dir, env: o.env });
    server = createHttpServer(statusRoutes(t.app.ctx), pino({ level: 'silent' }));
    const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    const get = async () => ({ json: (await (await fetch(`${base}/status.json`)).json()) as StatusView, html: await (await fetch(`${base}/status`)).text() });
    const reply = await t.app.handlers.form({ requestKey: 'd1', userId: ADA, callbackId: 'declare', privateMetadata: '{"private":false}', values: { severity: 'sev1', title: INTERNAL, services: 'detection-engine' } });
    await t.drain();
    return { get, id: reply.declaredIncident! };
  }

  it('a freshly declared incident is not there; after a --public update it is, with the public text only', async () => {
    const { get } = await start();
    const before = await get();
    expect(before.json.incidents).toEqual([]);
    expect(before.json.overall).toBe('operational');
    expect(before.html).toContain('No open incidents.');
    expect(before.html).not.toContain('Credential stuffing');

    // A private note is still not public.
    expect((await t!.dr('update INC-1 identified Blocking 10.0.0.3 at the edge', ADA)).refused).toBeFalsy();
    await t!.drain();
    expect((await get()).json.incidents).toEqual([]);

    expect((await t!.dr('update INC-1 monitoring --public Logins are recovering', ADA)).refused).toBeFalsy();
    await t!.drain();
    const after = await get();
    expect(after.json.incidents).toHaveLength(1);
    expect(after.json.incidents[0]).toMatchObject({ id: 'INC-1', title: 'Major outage: detection-engine', status: 'monitoring', components: ['detection-engine'] });
    expect(after.json.incidents[0].updates).toHaveLength(1);
    expect(after.json.incidents[0].updates[0].body).toContain('Logins are recovering');
    for (const page of [JSON.stringify(after.json), after.html]) {
      expect(page).not.toMatch(/Credential stuffing|10\.0\.0\.3|billing DB|Blocking/);
    }
    expect(after.html).toContain('Major outage: detection-engine');
    expect(after.json.simulated).toBeUndefined();
    expect(after.html).not.toContain('simulated');
  });

  it('the chain\'s status-page step makes it public (T+60m for SEV-1); with Statuspage simulated the page says so', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'drbot-status-'));
    const { get } = await start({ env: { DRBOT_SIMULATE: 'auto', DRBOT_DATA_DIR: dataDir } });
    expect((await get()).json.incidents).toEqual([]);
    t!.clock.advance(60 * 60_000);
    await t!.drain();
    const { json, html } = await get();
    expect(json.incidents.map((i) => [i.title, i.updates.length])).toEqual([['Major outage: detection-engine', 1]]);
    expect(json.simulated).toBe('Statuspage (simulated: no Statuspage account)');
    expect(html).toContain('Statuspage (simulated: no Statuspage account): these updates are shown here only; nothing was published to Statuspage.');
    expect(html).not.toContain('Credential stuffing');
    const timeline = (await t!.db.query<{ text: string }>(`SELECT text FROM timeline WHERE text LIKE 'Status page%'`)).map((r) => r.text);
    expect(timeline).toEqual([expect.stringMatching(/^Status page update → external stakeholders: sent — status page incident opened for INC-1 \(investigating\) — Statuspage \(simulated: no Statuspage account\)/)]);
  });

  it('with review on, nothing shows until Publish is pressed', async () => {
    const { get } = await start({ review: true });
    expect((await t!.dr('update INC-1 --public We are looking into failed logins', ADA)).refused).toBeFalsy();
    await t!.drain();
    expect((await get()).json.incidents).toEqual([]);
    const post = t!.chat.calls.find((c) => c.method === 'post' && JSON.stringify(c.message).includes('statuspage.publish'))!;
    const value = JSON.stringify(post.message).match(/"value":"(\d+:[^"]+)"/)![1];
    const r = await t!.app.handlers.button({ requestKey: 'pub', userId: 'U0ENGLEAD1', channelId: post.channel!, action: 'statuspage.publish', value });
    expect(r.refused).toBeFalsy();
    await t!.drain();
    const { json } = await get();
    expect(json.incidents.map((i) => i.title)).toEqual(['Major outage: detection-engine']);
    expect(json.incidents[0].updates[0].body).toContain('We are looking into failed logins');
  });
});
