/** The only module that imports the AWS SDK: one thin function per Route 53 call drbot makes. */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
  type ChangeResourceRecordSetsCommandOutput,
  type GetChangeCommandOutput,
  type GetHealthCheckStatusCommandOutput,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { Route53Config } from './config.ts';

export type VendorRecordSet = ResourceRecordSet;
export type VendorChange = Change;

export interface Route53Calls {
  list(input: ListResourceRecordSetsCommandInput): Promise<ListResourceRecordSetsCommandOutput>;
  change(zoneId: string, changes: Change[], comment: string): Promise<ChangeResourceRecordSetsCommandOutput>;
  getChange(id: string): Promise<GetChangeCommandOutput>;
  healthCheckStatus(id: string): Promise<GetHealthCheckStatusCommandOutput>;
  close(): void;
}

export function createRoute53Client(c: Route53Config): Route53Calls {
  const sdk = new Route53Client({
    region: c.region,
    // Unset: the SDK resolves AWS_ENDPOINT_URL_ROUTE_53 (or the AWS endpoint) itself.
    ...(c.endpoint && { endpoint: c.endpoint }),
    ...(c.credentials && { credentials: c.credentials }),
    maxAttempts: c.maxAttempts,
    requestHandler: { requestTimeout: c.requestTimeoutMs, connectionTimeout: c.connectTimeoutMs },
  });
  return {
    list: (input) => sdk.send(new ListResourceRecordSetsCommand(input)),
    change: (zoneId, changes, comment) =>
      sdk.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: comment, Changes: changes } })),
    getChange: (id) => sdk.send(new GetChangeCommand({ Id: id })),
    healthCheckStatus: (id) => sdk.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })),
    close: () => sdk.destroy(),
  };
}
