import { NotConfigured, type PagerPort, type PageRequest } from '../../ports.ts';
import { listIncidents, postEvent, type Transport } from './client.ts';
import { parsePagerDutyConfig, pdjsServer, type PagerDutyOptions } from './config.ts';
import { acknowledgementOf, triggerBody, updateBody } from './map.ts';

export { pagerSeverity } from './map.ts';
export { pagerDutyOptionsFromEnv, type PagerDutyOptions } from './config.ts';

/**
 * PagerDuty through @pagerduty/pdjs: Events API v2 for pages (the dedup key makes repeats
 * safe), REST API to read acknowledgements back. Without credentials each call throws
 * NotConfigured, so the caller can say "not sent (no credentials)". `now` is the clock
 * Retry-After dates are read against (default: the system clock).
 */
export function createPagerDuty(opts: PagerDutyOptions & { now?: () => Date }): PagerPort {
  const { now = () => new Date(), ...rest } = opts;
  const cfg = parsePagerDutyConfig(rest);
  const t: Transport = { agent: cfg.agent, retryTimeoutMs: cfg.retryTimeoutMs, timeoutMs: cfg.timeoutMs, now };
  const eventsServer = pdjsServer(cfg.eventsUrl, { dropV2: true });
  const apiServer = pdjsServer(cfg.apiUrl);

  const routingKey = (given?: string): string => {
    const key = given || cfg.routingKey;
    if (!key) throw new NotConfigured('PagerDuty', ['PAGERDUTY_ROUTING_KEY']);
    return key;
  };

  return {
    async trigger(p: PageRequest) {
      const accepted = await postEvent(eventsServer, triggerBody(p, routingKey(p.routingKey)), t);
      return { dedupKey: accepted.dedup_key ?? p.dedupKey };
    },
    async acknowledge(dedupKey: string, key?: string) {
      await postEvent(eventsServer, updateBody('acknowledge', dedupKey, routingKey(key)), t);
    },
    async resolve(dedupKey: string, key?: string) {
      await postEvent(eventsServer, updateBody('resolve', dedupKey, routingKey(key)), t);
    },
    async acknowledgement(dedupKey: string) {
      if (!cfg.apiToken) throw new NotConfigured('PagerDuty', ['PAGERDUTY_API_TOKEN']);
      // `date_range=all`: without it the list covers only the last month.
      const incidents = await listIncidents(apiServer, cfg.apiToken, { incident_key: dedupKey, date_range: 'all' }, t);
      return acknowledgementOf(incidents);
    },
  };
}
