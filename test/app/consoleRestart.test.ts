import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import { listOpenIncidents } from '../../src/store/sql/listOpenIncidents.ts';
import { ManualClock } from '../helpers/clock.ts';
import { openTestDb } from '../helpers/db.ts';
import { ROOT } from '../helpers/paths.ts';

/** One data dir for this file's drbots (kept across their restarts, like the store), not ./.drbot. */
const dataDir = mkdtempSync(join(tmpdir(), 'drbot-console-restart-'));

/** drbot on the console, in process, on a given store: what a person sees after each restart. */
async function consoleApp(db: Awaited<ReturnType<typeof openTestDb>>, clock: ManualClock) {
  const input = new PassThrough();
  const out = new PassThrough();
  let seen = '';
  out.on('data', (d) => (seen += String(d)));
  const err = new PassThrough();
  err.resume();
  const app = await createApp({
    env: readEnv({ PORT: '0', DRBOT_CONSOLE: 'on', DRBOT_DATA_DIR: dataDir }), config: loadConfig(ROOT), log: pino({ level: 'silent' }), clock, db, host: '127.0.0.1',
    stdio: { input, out, err }, consoleUser: 'U0ONCALL01',
  });
  await app.start();
  return {
    app, seen: () => seen,
    async type(line: string) {
      input.write(`${line}\n`);
      // The console answers each line before reading the next: wait for its next prompt.
      const prompts = seen.split('> ').length;
      for (let i = 0; i < 500 && seen.split('> ').length <= prompts; i++) await new Promise((r) => setTimeout(r, 10));
    },
    async stop() {
      input.end();
      await app.consoleDone();
      await app.stop();
    },
  };
}

describe('the console after a restart', () => {
  it('finds the channels of earlier incidents and never reuses their ids', async () => {
    const db = await openTestDb('pglite', 'console-restart');
    const clock = new ManualClock();
    try {
      const first = await consoleApp(db, clock);
      await first.type('/dr declare sev2 Lagos database slow');
      await first.app.runner.runDue();
      await first.stop();

      const second = await consoleApp(db, clock);
      await second.type('/dr declare sev2 Abuja cache cold');
      await second.app.runner.runDue();
      const [a, b] = (await listOpenIncidents(db)).sort((x, y) => x.id - y.id);
      expect(a.channelId).toBeTruthy();
      expect(b.channelId).toBeTruthy();
      expect(b.channelId).not.toBe(a.channelId);
      await second.type(`/in #${a.channelName}`);
      expect(second.seen()).toContain(`(you are now in #${a.channelName})`);
      await second.type('/dr status');
      expect(second.seen()).toContain('INC-1 · SEV-2 · Lagos database slow');
      await second.stop();
    } finally {
      await db.close();
    }
  });
});
