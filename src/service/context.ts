import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import type { ChatPort, Clock, IntegrationPorts, Metrics, RateLimiter } from '../ports.ts';
import type { Db } from '../store/db.ts';
import type { DeclareBatcher } from '../store/declareBatcher.ts';
import type { IncidentCache } from '../store/incidentCache.ts';

/** What the application's use cases run with. Built once in `app.ts`. */
export interface AppContext extends IntegrationPorts {
  db: Db;
  /** What `/dr status` shows (an incident and its steps): from memory while the database's notices keep it current. */
  incidentReads: Pick<IncidentCache, 'get'>;
  /** Writes declares; those arriving together share one statement and one commit. */
  declares: Pick<DeclareBatcher, 'declare'>;
  clock: Clock;
  chat: ChatPort;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Shared across replicas with Redis (Statuspage allows about 1 request/s). */
  limiter: RateLimiter;
  /** Slack user id → the person's name from contacts.yml (or the id). */
  name(id: string): string;
  /** Tells the scheduler (here and on other replicas) that something may be due now. */
  wake(): void;
}
