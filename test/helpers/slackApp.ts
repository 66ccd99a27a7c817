import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { readEnv } from '../../src/config/readEnv.ts';
import { startSlackStandIn, type SlackStandIn } from '../standins/slack/server.ts';
import { slashCommandBody, blockActionsBody, postToDrbot, triggerId } from './slackRequests.ts';
import { slackConfigDir, SLACK_CHANNELS } from './configDir.ts';
import { openTestDb, type Engine, type TestDb } from './db.ts';

export const SIGNING_SECRET = 'test-signing-secret-8f2c1d';

export interface SlackAppOptions {
  engine?: Engine;
  /** Share a database with another drbot (a second replica). */
  db?: TestDb;
  slack?: SlackStandIn;
  configDir?: string;
  env?: Record<string, string>;
  runner?: AppOptions['runner'];
  pagerAgent?: AppOptions['pagerAgent'];
  /** Instance name in leases. */
  instance?: string;
}

/**
 * drbot in Slack HTTP mode, in this process, against the Slack stand-in (which checks every
 * call against Slack's OpenAPI description). Requests come in signed, exactly as Slack sends them.
 */
export async function slackApp(o: SlackAppOptions = {}) {
  const slack = o.slack ?? (await startSlackStandIn({
    channels: [
      { id: SLACK_CHANNELS.announcements, name: 'incidents' },
      { id: SLACK_CHANNELS.engineering, name: 'voxguard-incidents' },
      { id: SLACK_CHANNELS.alerts, name: 'voxguard-alerts' },
      { id: SLACK_CHANNELS.general, name: 'general' },
    ],
  }));
  const db = o.db ?? (await openTestDb(o.engine ?? 'pglite', 'slack'));
  // A data dir of its own (see testApp).
  const ownDataDir = o.env?.DRBOT_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'drbot-test-'));
  const env = readEnv({
    PORT: '0', SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url,
    ...(ownDataDir ? { DRBOT_DATA_DIR: ownDataDir } : {}),
    DRBOT_INSTANCE_ID: o.instance ?? 'replica-a', ...o.env,
  });
  const config = loadConfig(o.configDir ?? slackConfigDir());
  const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const app = await createApp({ env, config, log, db, host: '127.0.0.1', pagerAgent: o.pagerAgent, runner: { backoffBaseMs: 20, backoffMaxMs: 200, idleMs: 200, ...o.runner } });
  await app.start();
  const base = `http://127.0.0.1:${app.port}`;
  return {
    app, slack, db, config, base,
    /** A signed slash command, as Slack posts it. */
    command(text: string, o2: { user?: string; channel?: string; trigger?: string; retryNum?: number } = {}) {
      const body = slashCommandBody({ text, user_id: o2.user ?? 'U0ONCALL01', channel_id: o2.channel ?? SLACK_CHANNELS.general, trigger_id: o2.trigger ?? triggerId() });
      return postToDrbot(base, body, { secret: SIGNING_SECRET, retryNum: o2.retryNum });
    },
    /** A signed button press (block_actions). */
    press(action_id: string, value: string, o2: { user?: string; channel?: string; trigger?: string; retryNum?: number; message_ts?: string } = {}) {
      const body = blockActionsBody({ user_id: o2.user ?? 'U0ONCALL01', channel_id: o2.channel ?? SLACK_CHANNELS.general, action_id, value, trigger_id: o2.trigger ?? triggerId(), message_ts: o2.message_ts });
      return postToDrbot(base, body, { secret: SIGNING_SECRET, retryNum: o2.retryNum });
    },
    async close(o3: { keepDb?: boolean; keepSlack?: boolean } = {}) {
      await app.stop();
      if (!o3.keepSlack && !o.slack) await slack.close();
      if (!o3.keepDb && !o.db) await db.close();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
