import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';

/** Bolt's logger interface on top of drbot's pino logger (so redaction applies to Bolt too). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  // Bolt logs at debug on every request: build the text only when it will be written.
  return {
    debug: (...m: unknown[]) => child.isLevelEnabled('debug') && child.debug(join(m)),
    info: (...m: unknown[]) => child.isLevelEnabled('info') && child.info(join(m)),
    warn: (...m: unknown[]) => child.warn(join(m)),
    error: (...m: unknown[]) => child.error(join(m)),
    setLevel: (_l: LogLevel) => undefined,
    getLevel: () => 'info' as LogLevel,
    setName: () => undefined,
  };
}
