import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import type { ChatPort, Clock } from '../ports.ts';
import type { Db } from '../store/db.ts';
import type { Metrics } from '../http/metrics.ts';

/** What the application's use cases run with. Built once in `app.ts`. */
export interface AppContext {
  db: Db;
  clock: Clock;
  chat: ChatPort;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Tells the scheduler (here and on other replicas) that something may be due now. */
  wake(): void;
}
