import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRoute53Dns, type Route53Dns } from '../../src/adapters/route53/index.ts';
import { describeRecords, healthQuorum, planFailover, planRestore } from '../../src/core/failover.ts';
import { TransientError } from '../../src/ports.ts';
import { startRoute53StandIn, type Route53StandIn, type RRSet } from '../standins/route53/server.ts';

const ZONE = 'Z0VOXGUARD0NG';
const HC_LAGOS = '3f1c9a4e-7b2d-4c1e-9a55-0d7e1f2a3b4c';

// VoxGuard DR plan, sequence diagram: "Update DNS weight: Lagos=0, Abuja=100".
const weightedSeed = (): RRSet[] => [
  { Name: 'api.voxguard.ng.', Type: 'A', SetIdentifier: 'lagos', Weight: 100, TTL: 60, HealthCheckId: HC_LAGOS,
    ResourceRecords: [{ Value: '102.89.1.10' }, { Value: '102.89.1.11' }] },
  { Name: 'api.voxguard.ng.', Type: 'A', SetIdentifier: 'abuja', Weight: 0, TTL: 60, ResourceRecords: [{ Value: '105.112.4.20' }] },
  // Neighbours the listing must not return.
  { Name: 'apex.voxguard.ng.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '102.89.1.99' }] },
  { Name: 'voxguard.ng.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] },
];

// VoxGuard DR plan, Terraform: aws_route53_record voxguard_failover / voxguard_failover_secondary.
const failoverSeed = (): RRSet[] => [
  { Name: 'app.voxguard.ng.', Type: 'A', SetIdentifier: 'lagos-primary', Failover: 'PRIMARY', HealthCheckId: HC_LAGOS,
    AliasTarget: { HostedZoneId: 'Z0LAGOSLB', DNSName: 'lagos-lb.voxguard.ng.', EvaluateTargetHealth: true } },
  { Name: 'app.voxguard.ng.', Type: 'A', SetIdentifier: 'abuja-secondary', Failover: 'SECONDARY',
    AliasTarget: { HostedZoneId: 'Z0ABUJALB', DNSName: 'abuja-lb.voxguard.ng.', EvaluateTargetHealth: true } },
  { Name: 'app.voxguard.ng.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"owner=platform"' }] },
];

let aws: Route53StandIn;
let dns: Route53Dns;
const open = (o: Parameters<typeof createRoute53Dns>[0] = {}) =>
  createRoute53Dns({ endpoint: aws.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDDRBOTTEST', secretAccessKey: 'drbot-test-secret' }, ...o });

beforeEach(async () => {
  aws = await startRoute53StandIn();
  aws.zones.set(ZONE, { name: 'voxguard.ng.', records: [...weightedSeed(), ...failoverSeed()] });
  dns = open();
});

afterEach(async () => {
  dns.close();
  await aws.close();
  aws.assertNoViolations();
});

describe('Route 53 adapter against the stand-in (real SDK)', () => {
  it('weighted: reads Lagos/Abuja, shifts the weights in one batch, follows the change to INSYNC, rolls back exactly', async () => {
    aws.insyncAfterPolls(3);
    const sets = await dns.listRecordSets(ZONE, 'api.voxguard.ng', 'A');
    expect(sets.map((s) => [s.setIdentifier, s.weight])).toEqual([['abuja', 0], ['lagos', 100]]);
    expect(sets.find((s) => s.setIdentifier === 'lagos')).toEqual({
      name: 'api.voxguard.ng', type: 'A', ttl: 60, setIdentifier: 'lagos', weight: 100, healthCheckId: HC_LAGOS, records: ['102.89.1.10', '102.89.1.11'],
    });

    const plan = planFailover(sets, { from: 'lagos', to: 'abuja' });
    expect(describeRecords(plan.before, plan.after)).toEqual(['api.voxguard.ng A weighted abuja=0 → 100, lagos=100 → 0']);
    const change = await dns.changeRecordSets(ZONE, plan.changes, 'INC-42 failover lagos → abuja');
    expect(change.status).toBe('PENDING');
    // The runbook step polls GetChange on the scheduler; each poll is one call here.
    expect([await dns.getChange(change.changeId), await dns.getChange(change.changeId), await dns.getChange(change.changeId)])
      .toEqual(['PENDING', 'PENDING', 'INSYNC']);
    expect(aws.calls.filter((c) => c.operation === 'GetChange').map((c) => c.input.Id)).toEqual([change.changeId, change.changeId, change.changeId]);

    const batches = aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
    expect(batches).toHaveLength(1);
    expect(batches[0].input.ChangeBatch).toMatchObject({ Comment: 'INC-42 failover lagos → abuja' });
    const now = await dns.listRecordSets(ZONE, 'api.voxguard.ng');
    expect(now).toEqual(plan.after);

    const rollback = await dns.changeRecordSets(ZONE, planRestore(plan.before, now), 'INC-42 rollback');
    expect(rollback.changeId).not.toBe(change.changeId);
    expect(await dns.listRecordSets(ZONE, 'api.voxguard.ng')).toEqual(plan.before);
    expect(aws.zones.get(ZONE)!.records.filter((r) => r.Name === 'api.voxguard.ng.')).toEqual(
      expect.arrayContaining(weightedSeed().slice(0, 2)),
    );
  });

  it('failover alias records: swaps PRIMARY/SECONDARY in one batch and restores the snapshot', async () => {
    aws.insyncAfterPolls(0);
    const sets = await dns.listRecordSets(ZONE, 'app.voxguard.ng', 'A');
    expect(sets.find((s) => s.failover === 'PRIMARY')).toEqual({
      name: 'app.voxguard.ng', type: 'A', setIdentifier: 'lagos-primary', failover: 'PRIMARY', healthCheckId: HC_LAGOS,
      aliasTarget: { hostedZoneId: 'Z0LAGOSLB', dnsName: 'lagos-lb.voxguard.ng', evaluateTargetHealth: true },
    });
    const plan = planFailover(sets, { from: 'lagos-primary', to: 'abuja-secondary' });
    const change = await dns.changeRecordSets(ZONE, plan.changes, 'INC-43 failover');
    expect(change.status).toBe('INSYNC');

    const live = aws.zones.get(ZONE)!.records.filter((r) => r.Name === 'app.voxguard.ng.' && r.Type === 'A');
    expect(live.find((r) => r.Failover === 'PRIMARY')?.AliasTarget?.DNSName).toBe('abuja-lb.voxguard.ng.');
    expect(live.find((r) => r.Failover === 'SECONDARY')).toMatchObject({ SetIdentifier: 'lagos-primary', HealthCheckId: HC_LAGOS });

    const now = await dns.listRecordSets(ZONE, 'app.voxguard.ng', 'A');
    await dns.changeRecordSets(ZONE, planRestore(plan.before, now), 'INC-43 rollback');
    expect(await dns.listRecordSets(ZONE, 'app.voxguard.ng', 'A')).toEqual(plan.before);
    expect(await dns.listRecordSets(ZONE, 'app.voxguard.ng', 'TXT')).toEqual([
      { name: 'app.voxguard.ng', type: 'TXT', ttl: 300, records: ['"owner=platform"'] },
    ]);
  });

  it('pages through ListResourceRecordSets and keeps only the exact name', async () => {
    const paged = open({ pageSize: 1 });
    try {
      const all = await paged.listRecordSets(ZONE, 'app.voxguard.ng');
      expect(all.map((s) => `${s.type} ${s.setIdentifier ?? '-'}`)).toEqual(['A abuja-secondary', 'A lagos-primary', 'TXT -']);
      expect(aws.calls.filter((c) => c.operation === 'ListResourceRecordSets')).toHaveLength(3);
    } finally {
      paged.close();
    }
  });

  it('AWS_ENDPOINT_URL_ROUTE_53 is honoured through the SDK\'s own configuration', async () => {
    process.env.AWS_ENDPOINT_URL_ROUTE_53 = aws.url;
    const fromEnv = createRoute53Dns({ credentials: { accessKeyId: 'AKIDDRBOTTEST', secretAccessKey: 'x' } });
    try {
      expect(await fromEnv.listRecordSets(ZONE, 'api.voxguard.ng')).toHaveLength(2);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_ROUTE_53;
      fromEnv.close();
    }
  });
});

describe('failed changes', () => {
  it('a stale plan is refused whole with AWS\'s message (InvalidChangeBatch → plain Error)', async () => {
    const plan = planFailover(await dns.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'abuja' });
    const lagos = aws.zones.get(ZONE)!.records.find((r) => r.SetIdentifier === 'lagos')!;
    lagos.TTL = 30; // someone edits the record between plan and apply
    const before = structuredClone(aws.zones.get(ZONE)!.records);
    const err = await dns.changeRecordSets(ZONE, plan.changes, 'stale').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('InvalidChangeBatch');
    expect((err as Error).message).toContain("set-identifier='lagos'] but the values provided do not match the current values");
    expect(aws.zones.get(ZONE)!.records).toEqual(before);
  });

  it('throttling → TransientError with Retry-After, nothing applied', async () => {
    const once = open({ maxAttempts: 1 });
    try {
      const plan = planFailover(await once.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'abuja' });
      aws.failNextChange('Throttling', { retryAfterSeconds: 7 });
      const err = await once.changeRecordSets(ZONE, plan.changes, 'x').catch((e: Error) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect((err as TransientError).retryAfterMs).toBe(7_000);
      expect((err as Error).message).toContain('Rate exceeded');
      expect(await once.listRecordSets(ZONE, 'api.voxguard.ng')).toEqual(plan.before);
      aws.failNextChange('ServiceUnavailable');
      await expect(once.changeRecordSets(ZONE, plan.changes, 'x')).rejects.toBeInstanceOf(TransientError);
    } finally {
      once.close();
    }
  });

  it('a Retry-After date is read against the injected clock', async () => {
    const NOW = new Date('2026-11-25T15:00:00Z');
    const pinned = open({ maxAttempts: 1, now: () => NOW });
    try {
      const plan = planFailover(await pinned.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'abuja' });
      aws.failNextChange('Throttling', { retryAfter: 'Wed, 25 Nov 2026 15:00:09 GMT' });
      await expect(pinned.changeRecordSets(ZONE, plan.changes, 'x')).rejects.toMatchObject({ name: 'TransientError', retryAfterMs: 9_000 });
    } finally {
      pinned.close();
    }
  });

  it('the SDK itself retries a 5xx once (maxAttempts 2), then the change goes through', async () => {
    const plan = planFailover(await dns.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'abuja' });
    aws.failNextChange('InternalFailure');
    await dns.changeRecordSets(ZONE, plan.changes, 'retried');
    expect(aws.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toHaveLength(2);
    expect(await dns.listRecordSets(ZONE, 'api.voxguard.ng')).toEqual(plan.after);
  });

  it('an unknown zone is a plain Error', async () => {
    await expect(dns.listRecordSets('ZNOPE', 'api.voxguard.ng')).rejects.toThrow(/NoSuchHostedZone.*ZNOPE/);
  });
});

describe('health checks and propagation', () => {
  it('healthy only when every checker reports Success', async () => {
    aws.setHealth(HC_LAGOS, false);
    const down = await dns.healthCheckStatus(HC_LAGOS);
    expect(down.healthy).toBe(false);
    expect(down.observations).toHaveLength(4);
    expect(down.observations[0]).toEqual({ region: 'us-east-1', status: expect.stringMatching(/^Failure/) });
    aws.setHealth(HC_LAGOS, [true, true, false]);
    expect((await dns.healthCheckStatus(HC_LAGOS)).healthy).toBe(false);
    aws.setHealth(HC_LAGOS, true);
    expect((await dns.healthCheckStatus(HC_LAGOS)).healthy).toBe(true);
    aws.setHealth(HC_LAGOS, false);
    const quorum = healthQuorum([{ id: HC_LAGOS, healthy: (await dns.healthCheckStatus(HC_LAGOS)).healthy, signalClass: 'route53' }], 2);
    expect(quorum.met).toBe(false); // one signal class is not enough (Multi-Region DR Plan)
    await expect(dns.healthCheckStatus('no-such-check')).rejects.toThrow(/NoSuchHealthCheck/);
  });

  it('an unknown change id is a plain Error', async () => {
    await expect(dns.getChange('CNOSUCHCHANGE')).rejects.toThrow(/NoSuchChange.*CNOSUCHCHANGE/);
  });
});

describe('the stand-in itself', () => {
  it('catches malformed requests against the model and answers 400 in AWS\'s error shape', async () => {
    const post = (body: string, path = `/2013-04-01/hostedzone/${ZONE}/rrset`) =>
      fetch(`${aws.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
    const ns = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"';

    const broken = await post('<ChangeResourceRecordSetsRequest><ChangeBatch>');
    expect(broken.status).toBe(400);
    expect(await broken.text()).toMatch(/<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>InvalidInput<\/Code>/);
    expect(aws.violations.join('\n')).toMatch(/malformed XML/);
    expect(aws.violations.join('\n')).toMatch(/Authorization must be a SigV4 signature/);

    aws.violations.length = 0;
    await post(`<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>SWAP</Action><ResourceRecordSet>`
      + `<Name>api.voxguard.ng.</Name><Weight>300</Weight><Colour>red</Colour></ResourceRecordSet></Change></Changes></ChangeBatch>`
      + `</ChangeResourceRecordSetsRequest>`);
    const found = aws.violations.join('\n');
    expect(found).toMatch(/namespace must be https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/, got none/);
    expect(found).toMatch(/Action: "SWAP" is not one of CREATE, DELETE, UPSERT/);
    expect(found).toMatch(/ResourceRecordSet: <Type> required/);
    expect(found).toMatch(/Weight: value 300 above max 255/);
    expect(found).toMatch(/Colour: unknown element/);

    aws.violations.length = 0;
    await post(`<ChangeResourceRecordSetsRequest ${ns}><ChangeBatch><Changes></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`);
    await post(`<ChangeResourceRecordSet ${ns}/>`);
    await fetch(`${aws.url}/2013-04-01/hostedzone/${ZONE}/rrset?name=x.&type=BOGUS&colour=red`);
    await fetch(`${aws.url}/2013-04-01/hostedzone/${'Z'.repeat(40)}/rrset`);
    await fetch(`${aws.url}/2013-04-01/nowhere`);
    expect(aws.violations.join('\n')).toMatch(/Changes: at least 1 <Change> required, got 0/);
    expect(aws.violations.join('\n')).toMatch(/root element must be <ChangeResourceRecordSetsRequest>, got <ChangeResourceRecordSet>/);
    expect(aws.violations.join('\n')).toMatch(/query type: "BOGUS" is not one of SOA, A,/);
    expect(aws.violations.join('\n')).toMatch(/query colour: not a querystring member/);
    expect(aws.violations.join('\n')).toMatch(/uri Id: length 40 above max 32/);
    expect(aws.violations.join('\n')).toMatch(/GET \/2013-04-01\/nowhere: no operation in the model/);
    expect(() => aws.assertNoViolations()).toThrow(/violation/);
    aws.violations.length = 0; // seen and checked: afterEach asserts the rest of the run was clean
    expect(aws.responseErrors).toEqual([]); // its 400 answers are AWS's error shape, with codes the model lists
  });

  it('checks its own answers against the model, and close() fails on a bad one', async () => {
    // A stand-in bug, planted: a record type Route 53 does not have, and a TTL above the model's maximum.
    aws.zones.get(ZONE)!.records.push({ Name: 'odd.voxguard.ng.', Type: 'BOGUS', TTL: 2_147_483_648, ResourceRecords: [{ Value: 'x' }] });
    await dns.listRecordSets(ZONE, 'odd.voxguard.ng').catch(() => undefined);
    const path = 'ListResourceRecordSets response 200 ListResourceRecordSetsResponse/ResourceRecordSets/ResourceRecordSet[0]';
    expect(aws.responseErrors).toEqual([
      `stand-in answer breaks the model: ${path}/Type: "BOGUS" is not one of SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS, TLSA, SSHFP, SVCB, HTTPS`,
      `stand-in answer breaks the model: ${path}/TTL: value 2147483648 above max 2147483647`,
    ]);
    aws.zones.get(ZONE)!.records.pop();
    // An error the operation cannot answer, and a listed one with the wrong status.
    const plan = planFailover(await dns.listRecordSets(ZONE, 'api.voxguard.ng'), { from: 'lagos', to: 'abuja' });
    aws.failNextChange('NoSuchChange', { status: 404 });
    await dns.changeRecordSets(ZONE, plan.changes, 'x').catch(() => undefined);
    aws.failNextChange('NoSuchHostedZone', { status: 400 });
    await dns.changeRecordSets(ZONE, plan.changes, 'x').catch(() => undefined);
    expect(aws.responseErrors.slice(2)).toEqual([
      'stand-in answer breaks the model: ChangeResourceRecordSets response 404 ErrorResponse/Error/Code: NoSuchChange is neither an error ChangeResourceRecordSets lists '
        + '(NoSuchHostedZone, NoSuchHealthCheck, InvalidChangeBatch, InvalidInput, PriorRequestNotComplete) nor a common AWS error',
      'stand-in answer breaks the model: ChangeResourceRecordSets response 400 ErrorResponse/Error/Code: NoSuchHostedZone is answered with HTTP 404, not 400',
    ]);
    expect(aws.violations).toEqual(aws.responseErrors);
    await expect(aws.close()).rejects.toThrow(/Route 53 stand-in answered outside the model:\n- .*Type: "BOGUS" is not one of/);
    aws.responseErrors.length = 0; // seen and expected: afterEach closes again
    aws.violations.length = 0;
  });
});
