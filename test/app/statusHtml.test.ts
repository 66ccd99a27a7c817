import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { statusRoutes } from '../../src/http/status.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import type { StatusView } from '../../src/service/publicStatus.ts';
import { testApp } from '../helpers/app.ts';
import { testConfigDir } from '../helpers/configDir.ts';
import { TMP_DIR } from '../helpers/paths.ts';

const ADA = 'U0ONCALL01';
const day = 86_400_000;
const NOW = new Date('2026-11-24T09:00:00Z').getTime();
const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"';
type T = Awaited<ReturnType<typeof testApp>>;

describe('drbot\'s own status page: GET /status (real Chromium) and GET /status.json', () => {
  let t: T;
  let base: string;
  let server: ReturnType<typeof createHttpServer>;

  /** A form declare (it takes the affected services), at `at`. */
  async function declare(key: string, title: string, sev: string, services: string, at: number, priv = false): Promise<number> {
    t.clock.set(new Date(at));
    const r = await t.app.handlers.form({ requestKey: key, userId: ADA, callbackId: 'declare', privateMetadata: JSON.stringify({ private: priv }), values: { severity: sev, title, services } });
    await t.drain();
    return r.declaredIncident!;
  }
  async function dr(text: string, at: number) {
    t.clock.set(new Date(at));
    const r = await t.dr(text, ADA);
    expect(r.refused, r.message?.fallback).toBeFalsy();
    await t.drain();
  }

  beforeAll(async () => {
    const dir = testConfigDir({ 'drbot.yml': (d) => { d.status_page = { components: { 'detection-engine': 'c1', 'management-api': 'c2', dashboard: 'c3', 'cdr-ingestion': 'c4' }, on_declare: [1, 2, 3] }; } });
    t = await testApp({ configDir: dir });
    // 100 days ago: outside the 90-day history.
    await declare('old', 'Old outage', 'sev2', 'dashboard', NOW - 100 * day);
    await dr('resolve INC-1 fixed long ago', NOW - 100 * day + 3_600_000);
    // 10 days ago, resolved after 45 minutes.
    await declare('recent', 'CDR ingestion stalled', 'sev2', 'cdr-ingestion', NOW - 10 * day);
    await dr('resolve INC-2 consumer restarted', NOW - 10 * day + 45 * 60_000);
    // Open now: a SEV-1 on two components with a hostile public update, a private one, a drill.
    await declare('now', `Lagos region unreachable ${HOSTILE}`, 'sev1', 'detection-engine, management-api', NOW - 30 * 60_000);
    await dr(`update INC-3 identified --public Failing over to Abuja ${HOSTILE}`, NOW - 10 * 60_000);
    await declare('secret', 'Credential leak under investigation', 'sev1', 'dashboard', NOW - 5 * 60_000, true);
    await declare('drill', 'Quarterly failover drill', 'sev3', 'dashboard', NOW - 4 * 60_000);
    await t.db.query(`UPDATE incidents SET mode = 'drill' WHERE title = 'Quarterly failover drill'`);
    t.clock.set(new Date(NOW));
    server = createHttpServer(statusRoutes(t.app.ctx), pino({ level: 'silent' }));
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await t?.close();
  });

  it('/status.json: components by worst open severity, open public incidents with their public updates, 90 days of history', async () => {
    const res = await fetch(`${base}/status.json`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const v = (await res.json()) as StatusView;
    expect(v.overall).toBe('major_outage');
    expect(v.components).toEqual([
      { name: 'detection-engine', status: 'major_outage' }, { name: 'management-api', status: 'major_outage' },
      { name: 'dashboard', status: 'operational' }, { name: 'cdr-ingestion', status: 'operational' },
    ]);
    expect(v.incidents).toHaveLength(1);
    expect(v.incidents[0]).toMatchObject({ id: 'INC-3', severity: 'SEV-1', status: 'identified', startedAt: new Date(NOW - 30 * 60_000).toISOString(), resolvedAt: null, components: ['detection-engine', 'management-api'] });
    expect(v.incidents[0].updates.map((u) => [u.status, u.body.slice(0, 40)])).toEqual([
      ['identified', '[IDENTIFIED] We have identified the caus'], ['investigating', '[INVESTIGATING] We are aware of an issue'],
    ]);
    // Public names only: what it did to which components, never the internal title.
    expect(v.incidents[0].title).toBe('Major outage: detection-engine, management-api');
    expect(v.history.map((h) => [h.id, h.title, h.duration])).toEqual([['INC-2', 'Partial outage: cdr-ingestion', '45m']]);
    expect(JSON.stringify(v)).not.toMatch(/Credential leak|Quarterly failover drill|Old outage|Lagos region unreachable|CDR ingestion stalled/);
  });

  it('/status in Chromium on a phone: readable, self-contained, every value escaped; screenshot saved', async () => {
    const head = await fetch(`${base}/status`);
    expect(head.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await head.text();
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|script)\b|href="https?:/);
    // Handlebars' escaping: & < > " ' ` = all become entities.
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &quot;quoted&quot;');

    const profile = mkdtempSync(join(tmpdir(), 'drbot-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      const res = await page.goto(`${base}/status`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe('VoxGuard fraud detection services status');
      expect(await page.locator('.banner').innerText()).toBe('Major outage');
      expect(await page.locator('ul.components li').allInnerTexts()).toEqual([
        'detection-engine\nMajor outage', 'management-api\nMajor outage', 'dashboard\nOperational', 'cdr-ingestion\nOperational',
      ]);
      const open = page.locator('article').first();
      expect(await open.locator('h3').innerText()).toBe('Major outage: detection-engine, management-api');
      expect(await open.locator('.meta').innerText()).toBe('SEV-1 · Identified · since 2026-11-24 09:30 WAT · affects detection-engine, management-api');
      expect(await open.locator('ol.updates li').first().innerText()).toContain(`Failing over to Abuja ${HOSTILE}`);
      expect(await page.locator('article').nth(1).locator('.meta').innerText()).toBe('SEV-2 · Resolved · 2026-11-14 10:00 WAT – 2026-11-14 10:45 WAT (45m) · affects cdr-ingestion');
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/Credential leak|Quarterly failover drill|Old outage|Lagos region unreachable|CDR ingestion stalled/);
      // Nothing ran, nothing else was fetched, nothing overflows a 390 px wide screen.
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe, link').length)).toBe(0);
      expect(requests).toEqual([`${base}/status`]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const fontSize = await page.locator('ol.updates li').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(fontSize).toBeGreaterThanOrEqual(14);
      mkdirSync(TMP_DIR, { recursive: true });
      const shot = join(TMP_DIR, 'status-page-phone.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot of /status on a 390x844 phone viewport: ${shot}`);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('templates/status/page.html.hbs is checked at start-up like every template', () => {
  /** The problems loadConfig refuses the config folder with, the status page template replaced by `src` (null: removed). */
  function problems(src: string | null): string[] {
    const dir = testConfigDir();
    const file = join(dir, 'templates/status/page.html.hbs');
    if (src === null) rmSync(file);
    else writeFileSync(file, src);
    try {
      loadConfig(dir);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error('accepted');
  }
  const FILE = 'templates/status/page.html.hbs';

  it('a field drbot does not provide (at the top, or inside a list), a syntax error, or no file at all: drbot does not start', () => {
    expect(problems('<h1>{{service}} {{owner}}</h1>')).toEqual([`${FILE}: uses the field "owner", which drbot does not provide (see README "Templates" for the fields)`]);
    expect(problems('{{#each incidents}}<p>{{title}} {{colour}}</p>{{/each}}')).toEqual([`${FILE}: uses the field "colour", which drbot does not provide (see README "Templates" for the fields)`]);
    expect(problems('<h1>{{#if service}}</h1>')[0]).toMatch(/^templates\/status\/page\.html\.hbs: not valid Handlebars: /);
    expect(problems(null)).toEqual([`${FILE}: file not found (drbot's public status page, GET /status; copy it from the drbot repository)`]);
  });
});
