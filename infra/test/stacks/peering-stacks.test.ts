import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { VAULT_TABLES } from '../../lib/constructs/data/analytics-read-access.js';
import type { AnalyticsPeeringStack } from '../../lib/stacks/analytics-peering-stack.js';
import type { AnalyticsStack } from '../../lib/stacks/analytics-stack.js';
import type { PeeringStack } from '../../lib/stacks/peering-stack.js';
import {
  type AclEntry,
  aclEntriesForSubnet,
  resourcesOf,
  routeTableOf,
  subnetIdByCidr,
  tcp,
} from '../support/network.js';
import { type SynthesizedEnvironment, synthEnvironment } from '../support/synth.js';

const NO_GATE = { complianceGate: false } as const;
const byKey = (a: AclEntry, b: AclEntry): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
const deny = (cidr: string, egress: boolean, protocol = -1, port?: number): AclEntry => ({
  egress,
  cidr,
  protocol,
  ...(port === undefined ? { from: undefined, to: undefined } : { from: port, to: port }),
  action: 'deny',
});
const out = (cidr: string, from: number, to = from): AclEntry => tcp(cidr, from, to, true);

const PAYMENT = '10.0.0.0/16';
const ANALYTICS = '10.1.0.0/16';
const PAYMENT_DATA = ['10.0.20.0/24', '10.0.21.0/24', '10.0.22.0/24'];
const PAYMENT_APP = ['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24'];
const ANALYTICS_PUBLIC = ['10.1.0.0/24', '10.1.1.0/24', '10.1.2.0/24'];
const ANALYTICS_PRIVATE = ['10.1.10.0/24', '10.1.11.0/24', '10.1.12.0/24'];
const PAYMENT_ACCOUNT = '111111111111';
const ANALYTICS_ACCOUNT = '222222222222';

type Props = Record<string, unknown>;
const json = (v: unknown): string => JSON.stringify(v);
const importOf = (v: unknown): string => (v as { 'Fn::ImportValue': string })['Fn::ImportValue'];

describe('analytics VPC and cross-account peering (prod: 3 AZs)', () => {
  let env: SynthesizedEnvironment;
  let analytics: AnalyticsStack;
  let peering: PeeringStack;
  let analyticsPeering: AnalyticsPeeringStack;
  let a: Template;
  let p: Template;
  let ap: Template;
  beforeAll(() => {
    env = synthEnvironment('prod', {}, NO_GATE);
    analytics = env.stacks.analytics!;
    peering = env.stacks.peering!;
    analyticsPeering = env.stacks.analyticsPeering!;
    a = env.template(analytics);
    p = env.template(peering);
    ap = env.template(analyticsPeering);
  });

  describe('Analytics stack (analytics account)', () => {
    it('deploys into accounts.analytics and the primary region', () => {
      expect([analytics.account, analytics.region]).toEqual([ANALYTICS_ACCOUNT, 'us-east-1']);
      expect([analyticsPeering.account, peering.account]).toEqual([ANALYTICS_ACCOUNT, PAYMENT_ACCOUNT]);
    });

    it('spans the configured zones with a public and a private /24 each, DNS on, no public IPs on launch', () => {
      const subnets = Object.values(resourcesOf(a, 'AWS::EC2::Subnet')).map((r) => [
        r.Properties.CidrBlock,
        r.Properties.AvailabilityZone,
        r.Properties.MapPublicIpOnLaunch,
      ]);
      const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
      expect(subnets.sort()).toEqual(
        [
          ...ANALYTICS_PUBLIC.map((c, i) => [c, azs[i], false]),
          ...ANALYTICS_PRIVATE.map((c, i) => [c, azs[i], false]),
        ].sort(),
      );
      a.hasResourceProperties('AWS::EC2::VPC', {
        CidrBlock: ANALYTICS,
        EnableDnsHostnames: true,
        EnableDnsSupport: true,
      });
    });

    it('routes each private subnet to the NAT gateway of its own zone (prod strategy: one per AZ)', () => {
      const gateways = resourcesOf(a, 'AWS::EC2::NatGateway');
      expect(Object.keys(gateways)).toHaveLength(3);
      ANALYTICS_PRIVATE.forEach((cidr, i) => {
        const table = routeTableOf(a, subnetIdByCidr(a, cidr));
        const [route] = Object.values(resourcesOf(a, 'AWS::EC2::Route'))
          .map((r) => r.Properties)
          .filter((r) => json(r.RouteTableId) === json({ Ref: table }));
        const gateway = gateways[(route!.NatGatewayId as { Ref: string }).Ref]!;
        expect(gateway.Properties.SubnetId).toEqual({ Ref: subnetIdByCidr(a, ANALYTICS_PUBLIC[i]!) });
      });
    });

    it('uses a single NAT gateway in staging (follows the payment VPC strategy)', () => {
      const staging = synthEnvironment('staging', {}, NO_GATE);
      const t = staging.template(staging.stacks.analytics!);
      expect(Object.keys(resourcesOf(t, 'AWS::EC2::NatGateway'))).toHaveLength(1);
    });

    it('writes flow logs of all traffic to a KMS-encrypted S3 bucket of its own account that expires objects after 90 days', () => {
      const flowLogs = Object.values(resourcesOf(a, 'AWS::EC2::FlowLog')).map((r) => r.Properties);
      const toS3 = flowLogs.find((f) => f.LogDestinationType === 's3')!;
      expect(toS3.TrafficType).toBe('ALL');
      const bucketId = json(toS3.LogDestination).match(
        /"(AnalyticsFlowLogs|FlowLogsBucket)[A-Za-z0-9]*"/,
      )![0];
      const bucket = resourcesOf(a, 'AWS::S3::Bucket')[JSON.parse(bucketId)]!.Properties;
      expect(bucket.BucketName).toBe(`tessera-prod-an-flow-logs-${ANALYTICS_ACCOUNT}-us-east-1`);
      const rules = (bucket.LifecycleConfiguration as { Rules: Props[] }).Rules;
      expect(rules.map((r) => [r.ExpirationInDays, r.Status])).toEqual([[90, 'Enabled']]);
      const encryption = json(bucket.BucketEncryption);
      expect(encryption).toContain('aws:kms');
      expect(encryption).toContain('LogsKey');
    });

    it('closes the default security group', () => {
      expect(Object.keys(resourcesOf(a, 'Custom::VpcRestrictDefaultSG'))).toHaveLength(1);
    });

    it('public NACL: RDP denied, HTTPS in from the VPC and out anywhere, ephemeral replies', () => {
      const entries = aclEntriesForSubnet(a, ANALYTICS_PUBLIC[0]!).sort(byKey);
      expect(entries).toEqual(
        [
          deny('0.0.0.0/0', false, 6, 3389),
          tcp(ANALYTICS, 443),
          tcp('0.0.0.0/0', 1024, 65535),
          out('0.0.0.0/0', 443),
          out(ANALYTICS, 1024, 65535),
        ].sort(byKey),
      );
    });

    it('private NACL: only PostgreSQL to the payment data tier and its replies cross; the rest of the payment VPC is denied', () => {
      const entries = aclEntriesForSubnet(a, ANALYTICS_PRIVATE[1]!).sort(byKey);
      expect(entries).toEqual(
        [
          deny('0.0.0.0/0', false, 6, 3389),
          ...PAYMENT_DATA.map((c) => tcp(c, 1024, 65535)),
          deny(PAYMENT, false),
          tcp('0.0.0.0/0', 1024, 65535),
          ...PAYMENT_DATA.map((c) => out(c, 5432)),
          deny(PAYMENT, true),
          out('0.0.0.0/0', 443),
        ].sort(byKey),
      );
    });

    it('orders the private NACL so the payment denial precedes the anywhere allowances and follows the data-tier ones', () => {
      const numbers = (egress: boolean) =>
        Object.values(resourcesOf(a, 'AWS::EC2::NetworkAclEntry'))
          .map((r) => r.Properties)
          .filter((e) => (e.Egress === true) === egress && json(e.NetworkAclId).includes('NaclsPrivate'))
          .map((e) => ({ cidr: e.CidrBlock as string, action: e.RuleAction, n: e.RuleNumber as number }));
      for (const egress of [false, true]) {
        const rules = numbers(egress);
        const denial = rules.find((r) => r.cidr === PAYMENT && r.action === 'deny')!.n;
        const anywhere = rules.filter((r) => r.cidr === '0.0.0.0/0' && r.action === 'allow');
        const dataTier = rules.filter((r) => PAYMENT_DATA.includes(r.cidr));
        expect(dataTier.every((r) => r.n < denial)).toBe(true);
        expect(anywhere.every((r) => r.n > denial)).toBe(true);
      }
    });

    it('gives analytics workloads a client group with PostgreSQL to the payment data subnets only', () => {
      const [group] = Object.values(resourcesOf(a, 'AWS::EC2::SecurityGroup')).map((r) => r.Properties);
      expect(group!.SecurityGroupIngress).toBeUndefined();
      expect(
        (group!.SecurityGroupEgress as Props[]).map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIp]),
      ).toEqual(PAYMENT_DATA.map((c) => ['tcp', 5432, 5432, c]));
    });

    it('accepter role: trusted by the payment account CloudFormation execution role only, accepts into this VPC only', () => {
      const role = Object.values(resourcesOf(a, 'AWS::IAM::Role'))
        .map((r) => r.Properties)
        .find((r) => r.RoleName === `tessera-prod-peer-accepter-${ANALYTICS_ACCOUNT}-us-east-1`)!;
      const trust = (role.AssumeRolePolicyDocument as { Statement: Props[] }).Statement;
      expect(trust).toHaveLength(1);
      expect(trust[0]!.Action).toBe('sts:AssumeRole');
      expect(json(trust[0]!.Principal)).toContain(
        `:iam::${PAYMENT_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${PAYMENT_ACCOUNT}-us-east-1`,
      );
      expect(trust[0]!.Condition).toBeUndefined();
      const [policy] = Object.values(resourcesOf(a, 'AWS::IAM::ManagedPolicy'))
        .map((r) => r.Properties)
        .filter((m) => json(m).includes('AcceptVpcPeeringConnection'));
      const statements = (policy!.PolicyDocument as { Statement: Props[] }).Statement;
      expect(statements.map((s) => s.Action)).toEqual([
        'ec2:AcceptVpcPeeringConnection',
        'ec2:AcceptVpcPeeringConnection',
      ]);
      expect(json(statements[0]!.Resource)).toMatch(/:vpc\/",\{"Ref":"AnalyticsVpc/);
      expect(json(statements[1]!.Resource)).toContain(
        `:ec2:us-east-1:${ANALYTICS_ACCOUNT}:vpc-peering-connection/*`,
      );
      expect(json(statements[1]!.Condition)).toMatch(
        /"ArnEquals":\{"ec2:AccepterVpc":.*:vpc\/",\{"Ref":"AnalyticsVpc/,
      );
    });

    it('has the analytics private zone on its own VPC', () => {
      const [zone] = Object.values(resourcesOf(a, 'AWS::Route53::HostedZone')).map((r) => r.Properties);
      expect(zone!.Name).toBe('analytics.prod.internal.');
      expect(json(zone!.VPCs)).toMatch(
        /"VPCId":\{"Ref":"AnalyticsVpc[A-Za-z0-9]*"\},"VPCRegion":"us-east-1"/,
      );
    });
  });

  describe('Peering stack (payment account)', () => {
    it('requests the peering with the analytics account, region and accepter role', () => {
      const [pcx] = Object.values(resourcesOf(p, 'AWS::EC2::VPCPeeringConnection')).map((r) => r.Properties);
      expect(pcx!.PeerOwnerId).toBe(ANALYTICS_ACCOUNT);
      expect(pcx!.PeerRegion).toBe('us-east-1');
      expect(json(pcx!.PeerRoleArn)).toContain(
        `:iam::${ANALYTICS_ACCOUNT}:role/tessera-prod-peer-accepter-${ANALYTICS_ACCOUNT}-us-east-1`,
      );
      expect(importOf(pcx!.VpcId)).toMatch(/^Tessera-prod-Network:ExportsOutputRefPaymentVpc/);
      // The analytics VPC id is read from the other account's stack outputs (weak reference, ADR 0038).
      const peer = (pcx!.PeerVpcId as { 'Fn::GetStackOutput': Props })['Fn::GetStackOutput'];
      expect(peer.StackName).toBe('Tessera-prod-Analytics');
      expect(json(peer.RoleArn)).toContain(`:iam::${ANALYTICS_ACCOUNT}:role/`);
    });

    it('routes the analytics CIDR from every payment app and data route table, none from the public tier', () => {
      const network = env.template(env.stacks.network);
      const expected = [...PAYMENT_APP, ...PAYMENT_DATA].map((c) =>
        routeTableOf(network, subnetIdByCidr(network, c)),
      );
      const routes = Object.values(resourcesOf(p, 'AWS::EC2::Route')).map((r) => r.Properties);
      expect(routes.every((r) => r.DestinationCidrBlock === ANALYTICS)).toBe(true);
      expect(routes.every((r) => json(r.VpcPeeringConnectionId) === json({ Ref: 'Connection' }))).toBe(true);
      const tables = routes.map((r) => importOf(r.RouteTableId));
      expect(tables).toHaveLength(expected.length);
      expect(expected.every((id) => tables.some((t) => t.includes(id.replace(/[A-F0-9]{8}$/, ''))))).toBe(
        true,
      );
      expect(tables.some((t) => t.includes('public'))).toBe(false);
    });

    it('payment NACL entries: PostgreSQL in and replies out on the data tier, everything denied on the app tier', () => {
      const entries = Object.values(resourcesOf(p, 'AWS::EC2::NetworkAclEntry')).map((r) => r.Properties);
      const of = (acl: string) =>
        entries
          .filter((e) => importOf(e.NetworkAclId).includes(acl))
          .map((e) => ({
            egress: e.Egress,
            cidr: e.CidrBlock,
            protocol: e.Protocol,
            ports: e.PortRange,
            action: e.RuleAction,
            n: e.RuleNumber,
          }));
      expect(of('NaclsData')).toEqual([
        ...ANALYTICS_PRIVATE.map((cidr, i) => ({
          egress: false,
          cidr,
          protocol: 6,
          ports: { From: 5432, To: 5432 },
          action: 'allow',
          n: 300 + i * 10,
        })),
        ...ANALYTICS_PRIVATE.map((cidr, i) => ({
          egress: true,
          cidr,
          protocol: 6,
          ports: { From: 1024, To: 65535 },
          action: 'allow',
          n: 300 + i * 10,
        })),
      ]);
      // Before the app tier's own rules (100…), which allow HTTPS out and ephemeral in from anywhere.
      expect(of('NaclsApp')).toEqual(
        [false, true].map((egress) => ({
          egress,
          cidr: ANALYTICS,
          protocol: -1,
          ports: undefined,
          action: 'deny',
          n: 90,
        })),
      );
      const network = env.template(env.stacks.network);
      const taken = Object.values(resourcesOf(network, 'AWS::EC2::NetworkAclEntry')).map((r) =>
        json([r.Properties.NetworkAclId, r.Properties.Egress, r.Properties.RuleNumber]),
      );
      expect(new Set(taken).size).toBe(taken.length);
      const own = Object.values(resourcesOf(network, 'AWS::EC2::NetworkAclEntry')).map(
        (r) => r.Properties.RuleNumber,
      );
      expect(own.some((n) => n === 90 || (n as number) >= 300)).toBe(false);
    });

    it('turns on DNS resolution for its side and turns it off on delete', () => {
      const call = callOf(p, 'RequesterDnsResolution');
      expect(call.create).toContain('"action":"modifyVpcPeeringConnectionOptions"');
      expect(call.create).toContain(
        '"RequesterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":true}',
      );
      expect(call.delete).toContain(
        '"RequesterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":false}',
      );
    });

    it('holds the payment zone with the reader name and authorizes the analytics VPC, deleting the authorization on delete', () => {
      const [zone] = Object.values(resourcesOf(p, 'AWS::Route53::HostedZone')).map((r) => r.Properties);
      expect(zone!.Name).toBe('payment.prod.internal.');
      expect(importOf((zone!.VPCs as Props[])[0]!.VPCId)).toMatch(/PaymentVpc/);
      const [record] = Object.values(resourcesOf(p, 'AWS::Route53::RecordSet')).map((r) => r.Properties);
      expect([record!.Name, record!.Type, record!.TTL]).toEqual([
        'reader.payment.prod.internal.',
        'CNAME',
        '60',
      ]);
      expect(json(record!.ResourceRecords)).toContain(
        'Tessera-prod-Data:ExportsOutputFnGetAttDatabaseCluster',
      );
      expect(json(record!.ResourceRecords)).toContain('ReadEndpoint');
      const call = callOf(p, 'ZoneAssociationAuthorization');
      expect(call.create).toContain('"action":"createVPCAssociationAuthorization"');
      expect(call.delete).toContain('"action":"deleteVPCAssociationAuthorization"');
      expect(call.create).toContain('Tessera-prod-Analytics');
    });

    it('grants the read role its tables through the Data API, never a vault table, and revokes on delete', () => {
      const call = callOf(p, 'AnalyticsReadGrants');
      expect(call.create).toContain('"action":"executeStatement"');
      expect(call.create).toContain('GRANT SELECT ON public.merchants TO analytics_reader');
      for (const table of VAULT_TABLES) {
        expect(call.create).not.toMatch(new RegExp(`GRANT [^;]*ON public\\.${table} `));
        expect(call.create).toContain(`REVOKE ALL ON public.${table} FROM analytics_reader`);
      }
      expect(call.delete).toContain('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM analytics_reader');
    });

    it('publishes its outputs to the analytics account CloudFormation execution role only', () => {
      const publish = Object.values(resourcesOf(p, 'AWS::IAM::Role'))
        .map((r) => r.Properties)
        .find((r) => (r.RoleName as string | undefined)?.includes('GetStackOutputRole'))!;
      expect(json(publish.AssumeRolePolicyDocument)).toContain(
        `:iam::${ANALYTICS_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ANALYTICS_ACCOUNT}-us-east-1`,
      );
    });
  });

  describe('AnalyticsPeering stack (analytics account)', () => {
    it('routes the payment CIDR over the peering from every analytics private route table', () => {
      const tables = ANALYTICS_PRIVATE.map((c) => routeTableOf(a, subnetIdByCidr(a, c)));
      const routes = Object.values(resourcesOf(ap, 'AWS::EC2::Route')).map((r) => r.Properties);
      expect(routes.map((r) => r.DestinationCidrBlock)).toEqual([PAYMENT, PAYMENT, PAYMENT]);
      const imported = routes.map((r) => importOf(r.RouteTableId));
      expect(tables.every((t) => imported.some((i) => i.includes(t.replace(/[A-F0-9]{8}$/, ''))))).toBe(true);
      for (const route of routes) {
        const pcx = (route.VpcPeeringConnectionId as { 'Fn::GetStackOutput': Props })['Fn::GetStackOutput'];
        expect(pcx.StackName).toBe('Tessera-prod-Peering');
        expect(json(pcx.RoleArn)).toContain(`:iam::${PAYMENT_ACCOUNT}:role/`);
      }
    });

    it('turns on DNS resolution for the accepter side and off on delete', () => {
      const call = callOf(ap, 'AccepterDnsResolution');
      expect(call.create).toContain(
        '"AccepterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":true}',
      );
      expect(call.delete).toContain(
        '"AccepterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":false}',
      );
    });

    it('associates the analytics VPC with the payment zone and disassociates it on delete', () => {
      const call = callOf(ap, 'PaymentZoneAssociation');
      expect(call.create).toContain('"action":"associateVPCWithHostedZone"');
      expect(call.delete).toContain('"action":"disassociateVPCFromHostedZone"');
      expect(call.create).toMatch(
        /"VPCId":"\{"Fn::ImportValue":"Tessera-prod-Analytics:ExportsOutputRefAnalyticsVpc/,
      );
      expect(call.create).toContain('"StackName":"Tessera-prod-Peering"');
    });
  });

  describe('deployment order and ports', () => {
    it('deploys Analytics, then Peering (after Network, Data and App), then AnalyticsPeering', () => {
      const names = (s: Stack) => s.dependencies.map((d) => d.stackName);
      expect(names(peering)).toEqual(
        expect.arrayContaining([
          'Tessera-prod-Analytics',
          'Tessera-prod-Network',
          'Tessera-prod-Data',
          'Tessera-prod-App',
        ]),
      );
      expect(names(analyticsPeering)).toEqual(
        expect.arrayContaining(['Tessera-prod-Peering', 'Tessera-prod-Analytics']),
      );
      expect(names(analytics)).toEqual([]);
    });

    it('the Data stack admits the analytics private subnets on 5432 to the cluster, nothing else from analytics', () => {
      const data = env.template(env.stacks.data);
      const rules = Object.values(resourcesOf(data, 'AWS::EC2::SecurityGroup')).flatMap(
        (g) => (g.Properties.SecurityGroupIngress as Props[] | undefined) ?? [],
      );
      const standalone = Object.values(resourcesOf(data, 'AWS::EC2::SecurityGroupIngress')).map(
        (r) => r.Properties,
      );
      const fromAnalytics = [...rules, ...standalone].filter((r) =>
        String(r.CidrIp ?? '').startsWith('10.1.'),
      );
      expect(fromAnalytics.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIp])).toEqual(
        ANALYTICS_PRIVATE.map((c) => ['tcp', 5432, 5432, c]),
      );
    });

    it('the read role secret is rotated, under its own key, readable by the analytics account through Secrets Manager only', () => {
      const data = env.template(env.stacks.data);
      const secret = Object.entries(resourcesOf(data, 'AWS::SecretsManager::Secret')).find(([id]) =>
        id.startsWith('AnalyticsReaderSecret'),
      )!;
      expect(json(secret[1].Properties.KmsKeyId)).toContain('AnalyticsReaderKey');
      expect(json(secret[1].Properties.GenerateSecretString)).toContain('analytics_reader');
      const rotation = Object.entries(resourcesOf(data, 'AWS::SecretsManager::RotationSchedule')).find(
        ([id]) => id.startsWith('AnalyticsReaderRotation'),
      )!;
      expect(json(rotation[1].Properties.RotationRules)).toContain('rate(30 days)');
      const [policy] = Object.values(resourcesOf(data, 'AWS::SecretsManager::ResourcePolicy'))
        .map((r) => r.Properties)
        .filter((r) => json(r).includes(ANALYTICS_ACCOUNT));
      expect(json(policy!.ResourcePolicy)).toContain('"secretsmanager:GetSecretValue"');
      const key = Object.entries(resourcesOf(data, 'AWS::KMS::Key')).find(([id]) =>
        id.startsWith('AnalyticsReaderKey'),
      )!;
      const statement = (key[1].Properties.KeyPolicy as { Statement: Props[] }).Statement.find(
        (s) => s.Sid === 'AnalyticsAccountDecryptsTheReaderSecret',
      )!;
      expect(json(statement.Principal)).toContain(`:iam::${ANALYTICS_ACCOUNT}:root`);
      expect(statement.Condition).toEqual({
        StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
      });
    });

    it('no security group or peering NACL entry admits SSH (22) or RDP (3389)', () => {
      const covers = (from: unknown, to: unknown, port: number) =>
        (from as number) <= port && port <= (to as number);
      for (const stack of [analytics, peering, analyticsPeering, env.stacks.data]) {
        const t = env.template(stack);
        const groups = Object.values(resourcesOf(t, 'AWS::EC2::SecurityGroup')).flatMap((g) => [
          ...((g.Properties.SecurityGroupIngress as Props[] | undefined) ?? []),
          ...((g.Properties.SecurityGroupEgress as Props[] | undefined) ?? []),
        ]);
        const standalone = ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'].flatMap(
          (type) => Object.values(resourcesOf(t, type)).map((r) => r.Properties),
        );
        for (const rule of [...groups, ...standalone]) {
          for (const port of [22, 3389]) expect(covers(rule.FromPort, rule.ToPort, port)).toBe(false);
        }
      }
      for (const t of [a, p]) {
        const inbound = Object.values(resourcesOf(t, 'AWS::EC2::NetworkAclEntry'))
          .map((r) => r.Properties)
          .filter((e) => e.Egress !== true && e.RuleAction === 'allow');
        for (const entry of inbound) {
          const range = entry.PortRange as { From: number; To: number };
          expect(covers(range.From, range.To, 22)).toBe(false);
          if (covers(range.From, range.To, 3389) && t === a) {
            // Only the ephemeral ranges contain 3389, and a lower-numbered DENY of 3389 precedes them.
            const rdp = Object.values(resourcesOf(t, 'AWS::EC2::NetworkAclEntry'))
              .map((r) => r.Properties)
              .find(
                (e) =>
                  json(e.NetworkAclId) === json(entry.NetworkAclId) &&
                  e.RuleAction === 'deny' &&
                  json(e.PortRange) === json({ From: 3389, To: 3389 }),
              )!;
            expect(rdp.RuleNumber as number).toBeLessThan(entry.RuleNumber as number);
          }
        }
      }
    });

    it('dev (peering off) has no analytics stacks and no peering resources', () => {
      const dev = synthEnvironment('dev', {}, NO_GATE);
      expect([dev.stacks.analytics, dev.stacks.peering, dev.stacks.analyticsPeering]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(dev.stacks.data.analyticsReader).toBeUndefined();
    });
  });
});

/** The Create and Delete calls of the AwsCustomResource under `id`, as text with each token as JSON. */
function callOf(t: Template, id: string): { create: string; delete: string } {
  const [resource] = Object.entries(resourcesOf(t, 'Custom::AWS'))
    .filter(([logicalId]) => logicalId.startsWith(id))
    .map(([, r]) => r.Properties);
  if (!resource) throw new Error(`no custom resource ${id}`);
  const text = (call: unknown): string => {
    const parts = (call as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
    if (!parts) return typeof call === 'string' ? call : json(call);
    return parts.map((part) => (typeof part === 'string' ? part : json(part))).join('');
  };
  return { create: text(resource.Create), delete: text(resource.Delete) };
}
