import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { POSTGRES_PORT } from '../data/postgres.js';

export interface AnalyticsNetworkAclsProps {
  readonly vpc: ec2.IVpc;
  /** The analytics VPC's CIDR block (NACL entries need literal CIDRs). */
  readonly vpcCidr: string;
  /** The payment VPC's CIDR block: nothing but replies from its data tier comes in. */
  readonly paymentVpcCidr: string;
  /** The payment data tier's subnets (Aurora reader), the only peer addresses analytics may reach. */
  readonly paymentDataCidrs: readonly string[];
  readonly publicSubnets: readonly ec2.ISubnet[];
  readonly privateSubnets: readonly ec2.ISubnet[];
}

/** One NACL entry; `deny` marks the explicit denials that keep the payment VPC out. */
export interface AclRule {
  readonly id: string;
  readonly cidr: string;
  readonly ports: readonly [number, number];
  readonly deny?: boolean;
}

const ANYWHERE = '0.0.0.0/0';
const EPHEMERAL = [1024, 65535] as const;
const HTTPS = [443, 443] as const;
const POSTGRES = [POSTGRES_PORT, POSTGRES_PORT] as const;
/** RDP falls inside the ephemeral range the replies need: denied first, so no NACL admits it (SSM for access). */
const DENY_RDP: AclRule = { id: 'DenyRdp', cidr: ANYWHERE, ports: [3389, 3389], deny: true };

/**
 * The analytics VPC's per-tier NACLs (ADR 0037); anything not listed meets the implicit final deny.
 *
 * - public (NAT only): HTTPS from the VPC in and out to anywhere, ephemeral replies back in from anywhere and
 *   out to the VPC.
 * - both: RDP (3389, inside the ephemeral range) denied inbound before anything else; SSH (22) is never allowed.
 * - private: PostgreSQL out to the payment data subnets only; every other packet to or from the payment VPC is
 *   denied before the HTTPS and ephemeral allowances (HTTPS out through NAT, replies in from anywhere), so the
 *   only thing the payment VPC can send in is the ephemeral-port reply of its data tier.
 */
export class AnalyticsNetworkAcls extends Construct {
  readonly publicAcl: ec2.NetworkAcl;
  readonly privateAcl: ec2.NetworkAcl;

  constructor(scope: Construct, id: string, props: AnalyticsNetworkAclsProps) {
    super(scope, id);
    acknowledge(
      this,
      'AwsSolutions-VPC3',
      'PCI DSS 1.3/1.4 segmentation of the analytics VPC from the payment CDE: these per-tier NACLs are the ' +
        'stateless layer under the security groups, and every entry is asserted in tests.',
    );
    const each = (prefix: string, cidrs: readonly string[], ports: readonly [number, number]): AclRule[] =>
      cidrs.map((cidr, i) => ({ id: `${prefix}${i + 1}`, cidr, ports }));

    this.publicAcl = tierAcl(this, 'Public', props.vpc, props.publicSubnets, {
      ingress: [
        DENY_RDP,
        { id: 'HttpsFromVpc', cidr: props.vpcCidr, ports: HTTPS },
        { id: 'Ephemeral', cidr: ANYWHERE, ports: EPHEMERAL },
      ],
      egress: [
        { id: 'Https', cidr: ANYWHERE, ports: HTTPS },
        { id: 'EphemeralToVpc', cidr: props.vpcCidr, ports: EPHEMERAL },
      ],
    });

    this.privateAcl = tierAcl(this, 'Private', props.vpc, props.privateSubnets, {
      ingress: [
        DENY_RDP,
        ...each('RepliesFromPaymentData', props.paymentDataCidrs, EPHEMERAL),
        { id: 'DenyPaymentVpc', cidr: props.paymentVpcCidr, ports: [0, 65535], deny: true },
        { id: 'Ephemeral', cidr: ANYWHERE, ports: EPHEMERAL },
      ],
      egress: [
        ...each('PostgresToPaymentData', props.paymentDataCidrs, POSTGRES),
        { id: 'DenyPaymentVpc', cidr: props.paymentVpcCidr, ports: [0, 65535], deny: true },
        { id: 'Https', cidr: ANYWHERE, ports: HTTPS },
      ],
    });
  }
}

/**
 * A NACL for `subnets` with `rules` in order (rule numbers from `firstRuleNumber`, step 10); a `deny` rule
 * with ports [0, 65535] denies every protocol, any other rule is TCP.
 */
export function tierAcl(
  scope: Construct,
  id: string,
  vpc: ec2.IVpc,
  subnets: readonly ec2.ISubnet[],
  rules: { readonly ingress: readonly AclRule[]; readonly egress: readonly AclRule[] },
): ec2.NetworkAcl {
  const acl = new ec2.NetworkAcl(scope, id, { vpc, subnetSelection: { subnets: [...subnets] } });
  addAclEntries(acl, acl, 'In', ec2.TrafficDirection.INGRESS, rules.ingress, 100);
  addAclEntries(acl, acl, 'Out', ec2.TrafficDirection.EGRESS, rules.egress, 100);
  return acl;
}

/**
 * Adds `rules` to `acl` in order, numbered from `firstRuleNumber` in steps of 10, as resources of `scope` (which
 * may be a later stack than the one owning the NACL: the entries are its own resources).
 */
export function addAclEntries(
  scope: Construct,
  acl: ec2.INetworkAcl,
  prefix: string,
  direction: ec2.TrafficDirection,
  rules: readonly AclRule[],
  firstRuleNumber: number,
): void {
  rules.forEach((rule, i) => {
    const everything = rule.deny && rule.ports[0] === 0 && rule.ports[1] === 65535;
    new ec2.NetworkAclEntry(scope, `${prefix}${rule.id}`, {
      networkAcl: acl,
      ruleNumber: firstRuleNumber + i * 10,
      cidr: ec2.AclCidr.ipv4(rule.cidr),
      traffic: everything
        ? ec2.AclTraffic.allTraffic()
        : ec2.AclTraffic.tcpPortRange(rule.ports[0], rule.ports[1]),
      direction,
      ruleAction: rule.deny ? ec2.Action.DENY : ec2.Action.ALLOW,
    });
  });
}
