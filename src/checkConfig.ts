import { ConfigError } from './config/errors.ts';
import { loadConfig } from './config/load.ts';
import { readEnv } from './config/readEnv.ts';

/** `npm run check-config`: validates the environment and the config folder without starting. */
try {
  const env = readEnv();
  const config = loadConfig(env.DRBOT_CONFIG_DIR);
  const steps = Object.values(config.chains).reduce((n, c) => n + c.length, 0);
  process.stdout.write(`Config OK: ${config.dir} (${Object.keys(config.contacts.people).length} people, ${Object.keys(config.contacts.groups).length} groups, ${steps} chain steps)\n`);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(78);
}
