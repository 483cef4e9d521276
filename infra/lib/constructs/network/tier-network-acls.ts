import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { POSTGRES_PORT } from '../data/postgres.js';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface TierNetworkAclsProps {
  readonly vpc: ec2.IVpc;
  /** VPC CIDR block as a literal (NACL entries need concrete CIDRs). */
  readonly vpcCidr: string;
  readonly publicSubnets: readonly ec2.ISubnet[];
  readonly appSubnets: readonly ec2.ISubnet[];
  readonly dataSubnets: readonly ec2.ISubnet[];
  /**
   * Port the data tier serves.
   * @default 5432 (PostgreSQL)
   */
  readonly databasePort?: number;
}

const EPHEMERAL = ec2.AclTraffic.tcpPortRange(1024, 65535);
const ANYWHERE = ec2.AclCidr.anyIpv4();
/** Remote administration ports no NACL may admit from anywhere (SSH is below the ephemeral range). */
export const REMOTE_ADMIN_PORTS = [22, 3389] as const;
const RDP = 3389;

interface Rule {
  readonly id: string;
  readonly cidr: ec2.AclCidr;
  readonly traffic: ec2.AclTraffic;
}

/**
 * One NACL per tier; anything not listed is denied by the NACL's implicit final rule.
 *
 * - public: HTTPS/HTTP from anywhere (ALB; app traffic the NAT forwards), ephemeral return traffic.
 * - app: any TCP from the public subnets (ALB to targets and health checks), HTTPS from the VPC
 *   (interface endpoints live here), ephemeral return traffic (NAT and gateway-endpoint replies come
 *   from public addresses) except RDP's 3389, which no Linux client port uses (their range is 32768-60999).
 *   The public tier keeps the whole range from anywhere: its NAT gateway's translated ports span 1024-65535
 *   (an accepted exception, docs/compliance.md).
 * - data: the database port from the app tier (and the data tier itself: proxy to writer across AZs),
 *   ephemeral return traffic from inside the VPC only — the data tier talks to nothing outside.
 *
 * NACLs do not filter the Amazon DNS resolver, instance metadata or time sync, so no rules for those.
 */
export class TierNetworkAcls extends Construct {
  readonly publicAcl: ec2.NetworkAcl;
  readonly appAcl: ec2.NetworkAcl;
  readonly dataAcl: ec2.NetworkAcl;

  constructor(scope: Construct, id: string, props: TierNetworkAclsProps) {
    super(scope, id);
    const dbPort = ec2.AclTraffic.tcpPort(props.databasePort ?? POSTGRES_PORT);
    const vpc = ec2.AclCidr.ipv4(props.vpcCidr);
    const cidrsOf = (subnets: readonly ec2.ISubnet[]): ec2.AclCidr[] =>
      subnets.map((s) => ec2.AclCidr.ipv4(s.ipv4CidrBlock));
    const each = (prefix: string, cidrs: ec2.AclCidr[], traffic: ec2.AclTraffic): Rule[] =>
      cidrs.map((cidr, i) => ({ id: `${prefix}${i + 1}`, cidr, traffic }));

    acknowledge(
      this,
      'AwsSolutions-VPC3',
      'PCI DSS 1.3/1.4 asks for network controls between trust zones; these per-tier NACLs are that stateless ' +
        'second layer under the security groups, and every entry is asserted in tests.',
    );

    this.publicAcl = this.acl('Public', props.vpc, props.publicSubnets, {
      ingress: [
        { id: 'Https', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(443) },
        { id: 'Http', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(80) },
        { id: 'Ephemeral', cidr: ANYWHERE, traffic: EPHEMERAL },
      ],
      egress: [
        { id: 'Https', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(443) },
        { id: 'Http', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(80) },
        // Replies to clients and to NAT users, and ALB connections to targets (target ports are >1023).
        { id: 'Ephemeral', cidr: ANYWHERE, traffic: EPHEMERAL },
      ],
    });

    this.appAcl = this.acl('App', props.vpc, props.appSubnets, {
      ingress: [
        ...each('FromPublic', cidrsOf(props.publicSubnets), ec2.AclTraffic.tcpPortRange(1, 65535)),
        { id: 'HttpsFromVpc', cidr: vpc, traffic: ec2.AclTraffic.tcpPort(443) },
        // Return traffic from anywhere, around RDP (PCI DSS 1.3.1: no remote administration from the internet).
        { id: 'EphemeralBelowRdp', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPortRange(1024, RDP - 1) },
        { id: 'EphemeralAboveRdp', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPortRange(RDP + 1, 65535) },
      ],
      egress: [
        { id: 'Https', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(443) },
        { id: 'Http', cidr: ANYWHERE, traffic: ec2.AclTraffic.tcpPort(80) },
        ...each('Database', cidrsOf(props.dataSubnets), dbPort),
        { id: 'EphemeralToVpc', cidr: vpc, traffic: EPHEMERAL },
      ],
    });

    this.dataAcl = this.acl('Data', props.vpc, props.dataSubnets, {
      ingress: [
        ...each('DatabaseFromApp', cidrsOf(props.appSubnets), dbPort),
        ...each('DatabaseFromData', cidrsOf(props.dataSubnets), dbPort),
        { id: 'EphemeralFromVpc', cidr: vpc, traffic: EPHEMERAL },
      ],
      egress: [
        ...each('Database', cidrsOf(props.dataSubnets), dbPort),
        { id: 'HttpsToVpc', cidr: vpc, traffic: ec2.AclTraffic.tcpPort(443) },
        { id: 'EphemeralToVpc', cidr: vpc, traffic: EPHEMERAL },
      ],
    });
  }

  private acl(
    id: string,
    vpc: ec2.IVpc,
    subnets: readonly ec2.ISubnet[],
    rules: { ingress: Rule[]; egress: Rule[] },
  ): ec2.NetworkAcl {
    const acl = new ec2.NetworkAcl(this, id, { vpc, subnetSelection: { subnets: [...subnets] } });
    const add = (direction: ec2.TrafficDirection, list: Rule[]): void =>
      list.forEach((rule, i) =>
        acl.addEntry(`${direction === ec2.TrafficDirection.INGRESS ? 'In' : 'Out'}${rule.id}`, {
          ruleNumber: 100 + i * 10,
          cidr: rule.cidr,
          traffic: rule.traffic,
          direction,
          ruleAction: ec2.Action.ALLOW,
        }),
      );
    add(ec2.TrafficDirection.INGRESS, rules.ingress);
    add(ec2.TrafficDirection.EGRESS, rules.egress);
    return acl;
  }
}
