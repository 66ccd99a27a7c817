/** Domain record sets ↔ Route 53's shapes, and SDK errors → the port's errors. */
import { parseRetryAfter } from '../../core/retryAfter.ts';
import { NotConfigured, TransientError, type DnsChange, type DnsRecordSet } from '../../ports.ts';
import type { VendorChange, VendorRecordSet } from './client.ts';

/** drbot writes names without the final dot; Route 53 returns them fully qualified. */
export const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);
const bare = (name: string) => name.replace(/\.$/, '');
/** Route 53 returns `*` and other specials as octal escapes (`\052`). */
const unescapeName = (name: string) => name.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function sameName(a: string, b: string): boolean {
  return bare(unescapeName(a)).toLowerCase() === bare(unescapeName(b)).toLowerCase();
}

export function fromVendor(r: VendorRecordSet): DnsRecordSet {
  const s: DnsRecordSet = { name: bare(unescapeName(r.Name!)), type: r.Type! };
  if (r.TTL !== undefined) s.ttl = r.TTL;
  if (r.SetIdentifier !== undefined) s.setIdentifier = r.SetIdentifier;
  if (r.Weight !== undefined) s.weight = r.Weight;
  if (r.Failover) s.failover = r.Failover;
  if (r.HealthCheckId) s.healthCheckId = r.HealthCheckId;
  if (r.ResourceRecords?.length) s.records = r.ResourceRecords.map((x) => x.Value!);
  if (r.AliasTarget) {
    s.aliasTarget = { hostedZoneId: r.AliasTarget.HostedZoneId!, dnsName: bare(r.AliasTarget.DNSName!), evaluateTargetHealth: !!r.AliasTarget.EvaluateTargetHealth };
  }
  return s;
}

export function toVendor(s: DnsRecordSet): VendorRecordSet {
  return {
    Name: fqdn(s.name),
    Type: s.type as VendorRecordSet['Type'],
    SetIdentifier: s.setIdentifier,
    Weight: s.weight,
    Failover: s.failover,
    TTL: s.ttl,
    ResourceRecords: s.records?.map((Value) => ({ Value })),
    AliasTarget: s.aliasTarget && { HostedZoneId: s.aliasTarget.hostedZoneId, DNSName: fqdn(s.aliasTarget.dnsName), EvaluateTargetHealth: s.aliasTarget.evaluateTargetHealth },
    HealthCheckId: s.healthCheckId,
  };
}

export const changeToVendor = (c: DnsChange): VendorChange => ({ Action: c.action, ResourceRecordSet: toVendor(c.recordSet) });

/** `/change/C123` → `C123` (the SDK accepts both; logs read better without the prefix). */
export const bareId = (id: string) => id.replace(/^\/(change|hostedzone)\//, '');

/** A checker's status text starts with "Success" or "Failure" (e.g. `Success: HTTP Status Code 200, OK`). */
export const isSuccess = (status: string) => status.startsWith('Success');

const RETRYABLE_CODES = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestLimitExceeded', 'TooManyRequestsException',
  'ServiceUnavailable', 'InternalFailure', 'RequestTimeout', 'TimeoutError']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/**
 * Throttling, 5xx and network failures → TransientError (the scheduler backs off); missing
 * credentials → NotConfigured; anything else (InvalidChangeBatch, NoSuchHostedZone, …) → a plain
 * Error carrying AWS's own message, because retrying will not fix it. `now` reads a Retry-After date.
 */
export function toPortError(e: unknown, now: Date): Error {
  if (e instanceof TransientError || e instanceof NotConfigured) return e;
  const err = (e ?? {}) as SdkError;
  const name = err.name ?? 'Error';
  if (name === 'CredentialsProviderError') return new NotConfigured('Route 53', ['AWS credentials']);
  const status = err.$metadata?.httpStatusCode;
  const message = `Route 53 ${name}: ${err.message ?? String(e)}`;
  if (RETRYABLE_CODES.has(name) || (status !== undefined && (status === 429 || status >= 500)) || NETWORK_CODES.has(err.code ?? '')) {
    return new TransientError(message, parseRetryAfter(retryAfterHeader(err.$response?.headers), now));
  }
  return new Error(message, { cause: e });
}

/** Retry-After from the SDK's raw response headers (their case is not guaranteed). */
function retryAfterHeader(headers: Record<string, string> | undefined): string | undefined {
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
}
