import { createApp } from './app.ts';
import { secretEnvNames } from './config/env.ts';
import { ConfigError } from './config/errors.ts';
import { loadConfig } from './config/load.ts';
import { chatTransport } from './config/transport.ts';
import { readEnv, secretValues } from './config/readEnv.ts';
import { createLogger } from './log.ts';
import { describeDatabase, openStoreWhenReachable } from './startup.ts';
import { openStore } from './store/index.ts';

async function main(): Promise<void> {
  let env, config;
  try {
    env = readEnv();
    config = loadConfig(env.DRBOT_CONFIG_DIR);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const consoleMode = chatTransport(env) === 'console';
  // On the console, logs would drown what a person reads: warnings only unless asked for more.
  const level = consoleMode && !process.env.LOG_LEVEL ? 'warn' : env.LOG_LEVEL;
  const log = createLogger({ level, secrets: secretValues(env, secretEnvNames()) });
  const db = await openStoreWhenReachable({
    open: () => openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DRBOT_DATA_DIR, log }),
    log, port: env.PORT, where: describeDatabase(env.DATABASE_URL, env.DRBOT_DATA_DIR),
  });
  const app = await createApp({ env, config, log, db });
  await app.start();

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'drbot stopping');
    await app.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (consoleMode) app.consoleDone().then(() => stop('console closed'));
}

main().catch((e) => {
  // A setting the machine refuses at start (PORT in use): one line, exit 78 like a bad config.
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`drbot failed to start: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
