import { describe, expect, it } from 'vitest';
import { priceEnvironment, type CostLine } from '../../cost/engine.js';
import { smallEnvironment, stack, TEST_PROFILE } from './fixtures.js';

/** [logical id, charge, quantity with traffic, unit USD, monthly USD, idle monthly USD], worked out by hand. */
const EXPECTED: readonly (readonly [string, string, number, number, number, number])[] = [
  // Fix-Network
  ['Nat', 'NAT gateway hours', 730, 0.045, 32.85, 32.85],
  ['Nat', 'data processed', 100, 0.045, 4.5, 0],
  ['Nat', 'data transfer out to the internet', 100, 0.09, 9, 0],
  ['NatIp', 'public IPv4 address', 730, 0.005, 3.65, 3.65],
  ['KmsEndpoint', 'endpoint hours per AZ', 1460, 0.01, 14.6, 14.6],
  ['KmsEndpoint', 'data processed', 20, 0.01, 0.2, 0],
  ['S3Endpoint', 'gateway endpoint', 1, 0, 0, 0],
  ['FlowLogGroup', 'ingestion', 10, 0.5, 5, 0],
  // 90-day retention keeps 90 ÷ (365/12) = 2.9589 months of 10 GB, archived at half size.
  ['FlowLogGroup', 'archive storage', 14.794521, 0.03, 0.443836, 0],
  ['FlowLog', 'log delivery', 10, 0, 0, 0],
  // Fix-App: 1 request/s; 4 KiB each is 10.025 GB a month, 0.01373 GB an hour = the LCU-hours' dominant term.
  ['Alb', 'ALB hours', 730, 0.0225, 16.425, 16.425],
  ['Alb', 'load balancer capacity units', 10.025024, 0.008, 0.0802002, 0],
  ['Alb', 'public IPv4 addresses', 1460, 0.005, 7.3, 7.3],
  ['Alb', 'data transfer out to the internet', 7.518768, 0.09, 0.676689, 0],
  ['Acl', 'web ACL', 1, 5, 5, 5],
  ['Acl', 'rules', 2, 1, 2, 2],
  ['Acl', 'requests inspected', 2.628, 0.6, 1.5768, 0],
  ['Queue', 'requests', 2, 0.4, 0.8, 0],
  ['Alarm', 'alarm metrics', 1, 0.1, 0.1, 0.1],
  ['Dashboard', 'dashboard', 1, 3, 3, 3],
  ['Zone', 'hosted zone', 1, 0.5, 0.5, 0.5],
  ['Zone', 'standard queries', 1, 0.4, 0.4, 0],
  // Fix-Data
  ['Key', 'customer-managed key', 1, 1, 1, 1],
  ['Key', 'requests', 20, 0.03, 0.6, 0],
  ['Key', 'rotated key material', 1, 1, 1, 0],
  ['Secret', 'secret', 1, 0.4, 0.4, 0.4],
  ['Secret', 'API calls', 2, 0.05, 0.1, 0],
  ['Cluster', 'storage', 100, 0.1, 10, 0],
  ['Cluster', 'I/O requests', 10, 0.2, 2, 0],
  ['Cluster', 'automated backup storage', 14, 0.021, 0.294, 0],
  ['Cluster', 'RDS-managed master user secret', 1, 0.4, 0.4, 0.4],
  // 2 ACU with traffic; the 0.5 ACU minimum idle.
  ['Writer', 'Serverless v2 capacity', 1460, 0.12, 175.2, 43.8],
  // The 8-ACU minimum applies both ways.
  ['Proxy', 'proxy capacity (Serverless v2 target)', 5840, 0.015, 87.6, 87.6],
  // 1 GB a month kept 365 days: 90 in Standard (2.9589 GB), 275 in Glacier IR (9.0411 GB).
  ['Archive', 'Standard storage', 2.958904, 0.023, 0.0680548, 0],
  ['Archive', 'PUT requests', 1, 0.005, 0.005, 0],
  ['Archive', 'Glacier Instant Retrieval storage', 9.041096, 0.004, 0.0361644, 0],
  ['Archive', 'lifecycle transitions to Glacier Instant Retrieval', 1, 0.02, 0.02, 0],
];

const find = (lines: readonly CostLine[], id: string, charge: string): CostLine => {
  const line = lines.find((l) => l.logicalId === id && l.charge === charge);
  if (!line) throw new Error(`no line ${id} / ${charge}`);
  return line;
};

describe('priceEnvironment on a hand-written environment', () => {
  const cost = priceEnvironment(smallEnvironment(), TEST_PROFILE);
  const lines = cost.stacks.flatMap((s) => s.lines);

  it.each(EXPECTED)(
    '%s %s: %d units at $%d is $%d a month ($%d idle)',
    (id, charge, quantity, unitUsd, monthly, idle) => {
      const line = find(lines, id, charge);
      expect(line.quantity).toBeCloseTo(quantity, 5);
      expect(line.unitUsd).toBe(unitUsd);
      expect(line.monthlyUsd).toBeCloseTo(monthly, 6);
      expect(line.idleMonthlyUsd).toBeCloseTo(idle, 6);
    },
  );

  it('has no line the table above does not check, and prices nothing twice', () => {
    expect(lines.map((l) => `${l.logicalId} ${l.charge}`).sort()).toEqual(
      EXPECTED.map(([id, c]) => `${id} ${c}`).sort(),
    );
  });

  it('adds lines into stack subtotals and the environment total', () => {
    const total = (pick: (e: (typeof EXPECTED)[number]) => number) =>
      EXPECTED.reduce((s, e) => s + pick(e), 0);
    expect(cost.monthlyUsd).toBeCloseTo(
      total((e) => e[4]),
      6,
    );
    expect(cost.idleMonthlyUsd).toBeCloseTo(
      total((e) => e[5]),
      6,
    );
    const network = cost.stacks.find((s) => s.stack === 'Fix-Network')!;
    expect(network.monthlyUsd).toBeCloseTo(32.85 + 4.5 + 9 + 3.65 + 14.6 + 0.2 + 5 + 0.443836, 6);
    expect(cost.stacks.map((s) => s.free)).toEqual([
      { 'AWS::EC2::VPC': 1 },
      { 'AWS::IAM::Role': 1 },
      { 'AWS::RDS::DBProxyTargetGroup': 1 },
    ]);
    expect(cost.unpriced).toEqual([]);
  });

  it('ranks the price items that cost most, with traffic and idle', () => {
    expect(cost.topDrivers.map((d) => [d.item, d.resources])).toEqual([
      ['aurora.serverlessV2.acuHour', 1],
      ['rdsProxy.acuHour', 1],
      ['natGateway.hour', 1],
      ['alb.hour', 1],
      ['interfaceEndpoint.azHour', 1],
    ]);
    expect(cost.topIdleDrivers.map((d) => d.item)).toEqual([
      'rdsProxy.acuHour',
      'aurora.serverlessV2.acuHour',
      'natGateway.hour',
      'alb.hour',
      'interfaceEndpoint.azHour',
    ]);
    const ipv4 = priceEnvironment(smallEnvironment(), TEST_PROFILE).topIdleDrivers.find(
      (d) => d.item === 'publicIpv4.hour',
    );
    expect(ipv4).toBeUndefined();
  });

  it('lists the price items to re-verify that the estimate used', () => {
    expect(cost.pricesToVerify).toEqual([
      'us-east-1 kms.rotatedKeyMonth',
      'us-east-1 rdsProxy.acuHour',
      'us-east-1 s3.glacierInstantRetrieval.gbMonth',
      'us-east-1 s3.transitionToGlacierInstantRetrieval1k',
    ]);
  });
});

describe('priceEnvironment never leaves a resource out silently', () => {
  it('reports a resource type that is neither priced nor free with its stack, type and logical id', () => {
    const cost = priceEnvironment(
      [stack('Fix', { Gadget: { Type: 'AWS::Foo::Bar', Properties: {} }, NatIp: { Type: 'AWS::EC2::EIP' } })],
      TEST_PROFILE,
    );
    expect(cost.unpriced).toEqual([
      {
        stack: 'Fix',
        logicalId: 'Gadget',
        type: 'AWS::Foo::Bar',
        reason: 'resource type is neither priced nor listed as free',
      },
    ]);
    expect(cost.monthlyUsd).toBeCloseTo(3.65, 6);
  });

  it('reports a configuration outside the price table with the reason', () => {
    const cost = priceEnvironment(
      [
        stack('Fix', {
          Box: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'x2iedn.32xlarge' } },
        }),
      ],
      TEST_PROFILE,
    );
    expect(cost.unpriced).toEqual([
      expect.objectContaining({
        logicalId: 'Box',
        reason: expect.stringContaining("no price for 'ec2.x2iedn.32xlarge.hour' in region us-east-1"),
      }),
    ]);
  });

  it('reports a region without prices', () => {
    const cost = priceEnvironment(
      [stack('Fix', { NatIp: { Type: 'AWS::EC2::EIP' } }, 'ap-south-2')],
      TEST_PROFILE,
    );
    expect(cost.unpriced[0]?.reason).toMatch(/no price for 'publicIpv4.hour' in region ap-south-2/);
  });

  it('refuses a quantity above the first price tier instead of pricing it at the wrong rate', () => {
    const huge = {
      ...TEST_PROFILE,
      volumes: { ...TEST_PROFILE.volumes, network: { ...TEST_PROFILE.volumes.network, natGb: 20_000 } },
    };
    const cost = priceEnvironment(
      [stack('Fix', { Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} } })],
      huge,
    );
    expect(cost.unpriced[0]?.reason).toMatch(
      /data transfer out to the internet: 20000 GB out to the internet is beyond the first price tier \(10240\)/,
    );
  });
});

describe('a Serverless v2 writer at minimum 0 ACU (auto-pause)', () => {
  const database = (extra: Record<string, { Type: string; Properties: Record<string, unknown> }>) =>
    stack('Zero-Data', {
      Cluster: {
        Type: 'AWS::RDS::DBCluster',
        Properties: {
          Engine: 'aurora-postgresql',
          BackupRetentionPeriod: 1,
          ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 900 },
        },
      },
      Writer: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.serverless',
          DBClusterIdentifier: { Ref: 'Cluster' },
        },
      },
      ...extra,
    });
  const capacity = (cost: ReturnType<typeof priceEnvironment>): CostLine | undefined =>
    cost.stacks.flatMap((s) => s.lines).find((l) => l.charge === 'Serverless v2 capacity');

  it('costs nothing idle when no compute of the payment API keeps it awake', () => {
    const line = capacity(priceEnvironment([database({})], TEST_PROFILE));
    expect(line?.idleMonthlyUsd).toBe(0);
    expect(line?.note).toBe(
      'minimum 0 ACU: paused while idle, nothing keeps it awake; 2 ACU on average with traffic × 730 h',
    );
  });

  it('is billed at its 0.5-ACU floor idle while an ECS service runs (its background jobs query the writer)', () => {
    const line = capacity(
      priceEnvironment(
        [database({ Service: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 1 } } })],
        TEST_PROFILE,
      ),
    );
    // 0.5 ACU × 730 h × $0.12.
    expect(line?.idleMonthlyUsd).toBeCloseTo(43.8, 6);
    expect(line?.note).toMatch(/^minimum 0 ACU, never paused: the payment API's background jobs/);
  });
});
