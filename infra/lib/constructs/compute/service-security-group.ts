import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface ServiceSecurityGroupProps {
  readonly vpc: ec2.IVpc;
  /**
   * Destinations the service may reach on 443: the VPC (interface endpoints for ECR, Logs,
   * Secrets Manager, KMS, SQS) and the S3 gateway endpoint's prefix list (image layers).
   */
  readonly httpsEgressPeers: ec2.IPeer[];
  /**
   * Also allow HTTPS to any IPv4 address (through the NAT): merchants' webhook endpoints are on the internet.
   * 443 only (PCI DSS 1.3.4); which hosts the service calls is its SSRF guard's job (no private, link-local or
   * metadata addresses).
   * @default false
   */
  readonly internetHttpsEgress?: boolean;
  readonly description: string;
}

/**
 * The compute tier's own security group: no ingress of its own (the load balancer adds 8080 when the
 * service joins its target group) and egress restricted to HTTPS towards the given peers (and, with
 * `internetHttpsEgress`, to the internet).
 * Database access on 5432 comes from the data tier's service security group, attached alongside.
 */
export class ServiceSecurityGroup extends Construct {
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ServiceSecurityGroupProps) {
    super(scope, id);
    if (props.httpsEgressPeers.length === 0) {
      throw new Error('httpsEgressPeers must name at least one destination (the VPC endpoints), got none');
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'Resource', {
      vpc: props.vpc,
      description: props.description,
      allowAllOutbound: false,
    });
    for (const peer of props.httpsEgressPeers) {
      this.securityGroup.addEgressRule(peer, ec2.Port.tcp(443), 'HTTPS to AWS APIs through VPC endpoints');
    }
    if (props.internetHttpsEgress) {
      this.securityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(443),
        "HTTPS to merchants' webhook endpoints on the internet, through the NAT",
      );
    }
  }
}

/**
 * Re-imports groups owned by other tiers as immutable, so that attaching them to a service adds no rules to
 * them: rules between the load balancer and the service stay on this tier's own group, and nothing created
 * here lands in (or cycles back into) the stack that owns the group.
 */
export function attachOnly(
  scope: Construct,
  groups: readonly ec2.ISecurityGroup[] = [],
): ec2.ISecurityGroup[] {
  return groups.map((group, index) =>
    ec2.SecurityGroup.fromSecurityGroupId(scope, `Attached${index}`, group.securityGroupId, {
      mutable: false,
      allowAllOutbound: false,
    }),
  );
}
