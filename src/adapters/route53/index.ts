/** Route 53 behind the DnsPort: read record sets, change them in one batch, follow the change. */
import type { DnsChange, DnsPort, DnsRecordSet } from '../../ports.ts';
import { createRoute53Client } from './client.ts';
import { route53ConfigSchema, type Route53Options } from './config.ts';
import { bareId, changeToVendor, fqdn, fromVendor, isSuccess, sameName, toPortError } from './map.ts';

/**
 * Waiting for a change to be INSYNC is not done here: the runbook steps poll `getChange` durably
 * through the scheduler, so a restart in the middle of a failover loses nothing.
 */
export interface Route53Dns extends DnsPort {
  /** Frees the SDK's sockets. */
  close(): void;
}

/** A runaway pager would be a bug: a name has far fewer record sets than this many pages. */
const MAX_PAGES = 20;

export function createRoute53Dns(opts: Route53Options & { now?: () => Date } = {}): Route53Dns {
  // `now`: the clock Retry-After dates are read against (default: the system clock).
  const { now = () => new Date(), ...rest } = opts;
  const config = route53ConfigSchema.parse(rest);
  const aws = createRoute53Client(config);
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw toPortError(e, now());
    }
  };

  return {
    /** Every set of exactly `name` (and `type`): starts the listing there and pages while it lasts. */
    async listRecordSets(zoneId, name, type) {
      const out: DnsRecordSet[] = [];
      let start: { name: string; type?: string; identifier?: string } = { name: fqdn(name), type };
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await call(() => aws.list({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as never,
          StartRecordIdentifier: start.identifier,
          MaxItems: config.pageSize,
        }));
        for (const rr of r.ResourceRecordSets ?? []) {
          if (sameName(rr.Name ?? '', name) && (!type || rr.Type === type)) out.push(fromVendor(rr));
        }
        const past = !r.NextRecordName || !sameName(r.NextRecordName, name) || (type !== undefined && r.NextRecordType !== type);
        if (!r.IsTruncated || past) return out;
        start = { name: r.NextRecordName!, type: r.NextRecordType, identifier: r.NextRecordIdentifier };
      }
      throw new Error(`Route 53: more than ${MAX_PAGES} pages of record sets for ${name}; refusing to guess`);
    },

    async changeRecordSets(zoneId: string, changes: DnsChange[], comment: string) {
      if (!changes.length) throw new Error('Route 53: an empty change batch (nothing to change)');
      // ChangeBatch.Comment is at most 256 characters in the model.
      const r = await call(() => aws.change(zoneId, changes.map(changeToVendor), comment.slice(0, 256)));
      return { changeId: bareId(r.ChangeInfo!.Id!), status: r.ChangeInfo!.Status! };
    },

    async getChange(changeId) {
      const r = await call(() => aws.getChange(changeId));
      return r.ChangeInfo!.Status!;
    },

    /** Healthy only when every checker reports Success; no observations is not healthy. */
    async healthCheckStatus(healthCheckId) {
      const r = await call(() => aws.healthCheckStatus(healthCheckId));
      const observations = (r.HealthCheckObservations ?? []).map((o) => ({
        region: o.Region ?? o.IPAddress ?? 'unknown',
        status: o.StatusReport?.Status ?? '',
      }));
      return { healthy: observations.length > 0 && observations.every((o) => isSuccess(o.status)), observations };
    },
    close: () => aws.close(),
  };
}
