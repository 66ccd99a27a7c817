/**
 * Shared set-up of the recovery-command tests: a Route 53 stand-in seeded with the VoxGuard DR plan's zone
 * (failover-routing aliases for app.voxguard.ng, weighted records for api.voxguard.ng), its
 * health checks, and a config folder whose runbooks point at it.
 */
import { plainLine, type Message } from '../../src/core/message.ts';
import { startRoute53StandIn, type Route53StandIn, type RRSet } from '../standins/route53/server.ts';
import { testConfigDir, slackConfigDir } from '../helpers/configDir.ts';

export const ZONE = 'Z0VOXGUARD0NG';
export const HC = {
  lagos: '3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c',
  synthetic: '9b7d2c10-5e4f-4a3b-8c21-6f0e9d8c7b6a',
  abuja: '0c5e8f21-3a9b-4d7c-b1e2-7a6d5c4b3a29',
};

// VoxGuard DR plan, Terraform: aws_route53_record voxguard_failover / voxguard_failover_secondary.
export const failoverRecords = (): RRSet[] => [
  { Name: 'app.voxguard.ng.', Type: 'A', SetIdentifier: 'lagos-primary', Failover: 'PRIMARY', HealthCheckId: HC.lagos,
    AliasTarget: { HostedZoneId: 'Z0LAGOSLB', DNSName: 'lagos-lb.voxguard.ng.', EvaluateTargetHealth: true } },
  { Name: 'app.voxguard.ng.', Type: 'A', SetIdentifier: 'abuja-secondary', Failover: 'SECONDARY',
    AliasTarget: { HostedZoneId: 'Z0ABUJALB', DNSName: 'abuja-lb.voxguard.ng.', EvaluateTargetHealth: true } },
];

// VoxGuard DR plan, sequence diagram: "Update DNS weight: Lagos=0, Abuja=100".
export const weightedRecords = (): RRSet[] => [
  { Name: 'api.voxguard.ng.', Type: 'A', SetIdentifier: 'lagos', Weight: 100, TTL: 60, ResourceRecords: [{ Value: '102.89.1.10' }] },
  { Name: 'api.voxguard.ng.', Type: 'A', SetIdentifier: 'abuja', Weight: 0, TTL: 60, ResourceRecords: [{ Value: '105.112.4.20' }] },
];

/** Lagos is down (its health check and the synthetic probe fail); Abuja is healthy. */
export async function route53(): Promise<Route53StandIn> {
  const aws = await startRoute53StandIn();
  aws.zones.set(ZONE, { name: 'voxguard.ng.', records: [...failoverRecords(), ...weightedRecords()] });
  aws.setHealth(HC.lagos, false);
  aws.setHealth(HC.synthetic, false);
  aws.setHealth(HC.abuja, true);
  return aws;
}

/** The AWS SDK reads credentials from the environment; the stand-in only checks they are there. */
export function awsCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDDRBOTTEST0000000';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'drbot-test-secret';
  process.env.AWS_REGION ??= 'us-east-1';
}

export const roleOf = (aws: Route53StandIn, id: string) =>
  aws.zones.get(ZONE)!.records.find((r) => r.Name === 'app.voxguard.ng.' && r.SetIdentifier === id)?.Failover;

export const changes = (aws: Route53StandIn) => aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');

type Edits = Parameters<typeof testConfigDir>[0];

/** dns-failover polls every 1 s and waits 30 s for INSYNC; `edit` changes it further. */
export function runbookEdits(edit: (d: Record<string, any>) => void = () => undefined): Edits { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    // These tests run programs: exec is turned on as an operator would (it is off in the shipped drbot.yml).
    'drbot.yml': (d) => {
      d.recovery = { exec: true };
    },
    'commands/dns-failover.yml': (d) => {
      d.steps[0].route53.poll = '1s';
      d.steps[0].timeout = '30s';
      edit(d);
    },
  };
}

export const configDir = (edits: Edits = runbookEdits()) => testConfigDir(edits);
export const slackDir = (edits: Edits = runbookEdits()) => slackConfigDir(edits);

/** A message as plain text, the way RecordingChat.texts() shows them. */
export function plain(m: Message): string {
  return m.blocks.map((b) => ('lines' in b ? b.lines.map(plainLine).join('\n')
    : 'fields' in b ? b.fields.map((f) => `${f.label}: ${plainLine(f.value)}`).join('\n')
      : 'text' in b ? b.text
        : 'buttons' in b ? b.buttons.map((x) => `[${x.label}]`).join(' ') : '')).join('\n');
}
