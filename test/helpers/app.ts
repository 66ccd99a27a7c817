import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type AppOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import type { Clock } from '../../src/ports.ts';
import { ManualClock } from './clock.ts';
import { openTestDb, type Engine } from './db.ts';
import { ROOT } from './paths.ts';
import { RecordingChat } from './recordingChat.ts';

export interface TestAppOptions {
  engine?: Engine;
  env?: Record<string, string>;
  config?: Config;
  configDir?: string;
  clock?: Clock;
  chat?: RecordingChat | null;
  runner?: AppOptions['runner'];
  pagerAgent?: AppOptions['pagerAgent'];
}

/**
 * drbot wired as in production but with a test database, a manual clock and (by default) a
 * recording chat port. The scheduler is not started: tests call `app.runner.runDue()`.
 */
export async function testApp(o: TestAppOptions = {}) {
  const db = await openTestDb(o.engine ?? 'pglite', 'app');
  // The built-in simulations are opt-in here (DRBOT_SIMULATE=auto): a test says which integration it uses.
  // A data dir of its own (the declare journal, simulated integrations' state), not ./.drbot
  // shared with every other test running beside it; a test that needs one across restarts passes it.
  const ownDataDir = o.env?.DRBOT_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'drbot-test-'));
  const env = readEnv({ PORT: '0', DRBOT_CONSOLE: 'off', DRBOT_SIMULATE: 'off', ...(ownDataDir ? { DRBOT_DATA_DIR: ownDataDir } : {}), ...o.env });
  const config = o.config ?? loadConfig(o.configDir ?? ROOT);
  const clock = o.clock ?? new ManualClock();
  const chat = o.chat === null ? undefined : (o.chat ?? new RecordingChat());
  const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const app = await createApp({ env, config, log, clock, db, chat, host: '127.0.0.1', pagerAgent: o.pagerAgent, runner: { backoffBaseMs: 10, backoffMaxMs: 50, lateAfterMs: 5_000, ...o.runner } });
  let seq = 0;
  return {
    app, db, config, clock: clock as ManualClock, chat: chat as RecordingChat,
    /** Types `/dr <text>` as `user` in `channel`. */
    dr: (text: string, user = 'U0ONCALL01', channel = 'C0GENERAL', key = `k${++seq}`) =>
      app.handlers.command({ requestKey: key, userId: user, channelId: channel, text, triggerId: `trig-${key}` }),
    /** Runs due steps until nothing more is due now. */
    async drain() {
      for (let i = 0; i < 20 && (await app.runner.runDue()) > 0; i++);
    },
    async close() {
      await app.stop();
      await db.close();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
