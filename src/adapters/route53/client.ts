/**
 * The only module that imports the AWS SDK: one thin function per Route 53 call drbot makes.
 * The SDK (~200 ms and ~16 MiB to load) is loaded on the first call, so a drbot that never
 * fails over never pays for it.
 */
import type {
  Change,
  ChangeResourceRecordSetsCommandOutput,
  GetChangeCommandOutput,
  GetHealthCheckStatusCommandOutput,
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ResourceRecordSet,
  Route53Client,
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
  let client: Route53Client | undefined;
  let loading: Promise<{ sdk: Route53Client; aws: typeof import('@aws-sdk/client-route-53') }> | undefined;
  const load = () => (loading ??= import('@aws-sdk/client-route-53').then((aws) => {
    client = new aws.Route53Client({
      region: c.region,
      // Unset: the SDK resolves AWS_ENDPOINT_URL_ROUTE_53 (or the AWS endpoint) itself.
      ...(c.endpoint && { endpoint: c.endpoint }),
      ...(c.credentials && { credentials: c.credentials }),
      maxAttempts: c.maxAttempts,
      requestHandler: { requestTimeout: c.requestTimeoutMs, connectionTimeout: c.connectTimeoutMs },
    });
    return { sdk: client, aws };
  }));
  return {
    list: async (input) => {
      const { sdk, aws } = await load();
      return sdk.send(new aws.ListResourceRecordSetsCommand(input));
    },
    change: async (zoneId, changes, comment) => {
      const { sdk, aws } = await load();
      return sdk.send(new aws.ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: comment, Changes: changes } }));
    },
    getChange: async (id) => {
      const { sdk, aws } = await load();
      return sdk.send(new aws.GetChangeCommand({ Id: id }));
    },
    healthCheckStatus: async (id) => {
      const { sdk, aws } = await load();
      return sdk.send(new aws.GetHealthCheckStatusCommand({ HealthCheckId: id }));
    },
    close: () => client?.destroy(),
  };
}
