import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/readEnv.ts';
import { createIntegrationAdapters } from '../../src/integrationAdapters.ts';
import { integrationStatus } from '../../src/integrationStatus.ts';

const simulated = (vars: Record<string, string>) => integrationStatus(readEnv(vars)).filter((i) => i.simulated).map((i) => i.name);
const ALL = ['GitHub (PIR, tracking issues)', 'Statuspage', 'Route 53'];

describe('DRBOT_SIMULATE: which integrations run against the built-in simulation', () => {
  it('auto (the default): those without credentials, never PagerDuty, email or Slack', () => {
    expect(simulated({})).toEqual(ALL);
    expect(simulated({ GITHUB_TOKEN: 'ghp_x', GITHUB_REPO: 'o/r' })).toEqual(['Statuspage', 'Route 53']);
    expect(simulated({ AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:1' })).toEqual(['GitHub (PIR, tracking issues)', 'Statuspage']);
  });

  it('off, or production (DATABASE_URL set): none — missing credentials stay "not sent (no credentials)"', () => {
    expect(simulated({ DRBOT_SIMULATE: 'off' })).toEqual([]);
    expect(simulated({ DATABASE_URL: 'postgres://u:p@db.internal/drbot' })).toEqual([]);
    expect(() => readEnv({ DRBOT_SIMULATE: 'on' })).toThrow(/DRBOT_SIMULATE/);
  });

  it('the adapters follow: simulated ports carry their label, real ones none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-switch-'));
    const sim = createIntegrationAdapters(readEnv({ DRBOT_DATA_DIR: dir }), { dnsSeed: { zones: {}, healthChecks: {} } });
    rmSync(dir, { recursive: true, force: true });
    expect([sim.dns.simulated, sim.tracker.simulated, sim.statusPage.simulated, sim.pager.simulated, sim.mailer.simulated]).toEqual([
      'Route 53 (simulated: no AWS credentials)', 'GitHub (simulated: no GITHUB_TOKEN / GITHUB_REPO)', 'Statuspage (simulated: no Statuspage account)', undefined, undefined,
    ]);
    const off = createIntegrationAdapters(readEnv({ DRBOT_SIMULATE: 'off' }));
    expect([off.dns.simulated, off.tracker.simulated, off.statusPage.simulated]).toEqual([undefined, undefined, undefined]);
  });
});
