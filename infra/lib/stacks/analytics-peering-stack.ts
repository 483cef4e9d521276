import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/index.js';
import { acknowledge } from '../compliance/acknowledge.js';
import { PeeringApiCall } from '../constructs/peering/peering-api-call.js';
import { acknowledgeCrossAccountReferences } from './peering-stack.js';
import { toRemovalPolicy } from '../removal-policy.js';

export interface AnalyticsPeeringStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** The analytics VPC's id and private subnets (same account: ordinary references). */
  readonly vpcId: string;
  readonly privateSubnets: readonly ec2.ISubnet[];
  /** The peering connection and the payment zone (payment account: weak references, ADR 0038). */
  readonly peeringConnectionId: string;
  readonly paymentZoneId: string;
  /** Key of the peering API calls' provider log (the analytics stack's logs key). */
  readonly logsKey: kms.IKey;
}

/**
 * The analytics account's side of the active peering (ADR 0037): routes to the payment VPC from the private
 * route tables, DNS resolution across the peering for this side, and the association of the analytics VPC
 * with the payment private hosted zone (which the Peering stack authorized).
 */
export class AnalyticsPeeringStack extends Stack {
  constructor(scope: Construct, id: string, props: AnalyticsPeeringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const region = config.regions.primary;
    const removalPolicy = toRemovalPolicy(config.removalPolicy);
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const pcx = props.peeringConnectionId;

    props.privateSubnets.forEach((subnet, i) => {
      new ec2.CfnRoute(this, `PrivateRouteToPayment${i + 1}`, {
        routeTableId: subnet.routeTable.routeTableId,
        destinationCidrBlock: config.network.vpcCidrs.payment,
        vpcPeeringConnectionId: pcx,
      });
    });

    const dnsOptions = (allow: boolean) => ({
      service: 'EC2',
      action: 'modifyVpcPeeringConnectionOptions',
      parameters: {
        VpcPeeringConnectionId: pcx,
        AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: allow },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${pcx}-accepter-dns`),
    });
    // The connection belongs to the requester account; its ARN carries that account.
    const pcxArn = this.formatArn({
      service: 'ec2',
      resource: 'vpc-peering-connection',
      resourceName: pcx,
      account: config.accounts.payment,
    });
    new PeeringApiCall(this, 'AccepterDnsResolution', {
      purpose: 'Lets the payment VPC resolve analytics hostnames to private addresses across the peering',
      onCreate: dnsOptions(true),
      onDelete: { ...dnsOptions(false), ignoreErrorCodesMatching: 'InvalidVpcPeeringConnectionID.NotFound' },
      statements: [
        new iam.PolicyStatement({ actions: ['ec2:ModifyVpcPeeringConnectionOptions'], resources: [pcxArn] }),
      ],
      logsKey: props.logsKey,
      logRetention,
      removalPolicy,
    });

    const association = (action: string) => ({
      service: 'Route53',
      action,
      parameters: { HostedZoneId: props.paymentZoneId, VPC: { VPCId: props.vpcId, VPCRegion: region } },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.paymentZoneId}-${props.vpcId}`),
    });
    const zoneAssociation = new PeeringApiCall(this, 'PaymentZoneAssociation', {
      purpose: 'Associates the analytics VPC with the payment private hosted zone (authorized by its owner)',
      onCreate: association('associateVPCWithHostedZone'),
      onDelete: {
        ...association('disassociateVPCFromHostedZone'),
        ignoreErrorCodesMatching: 'VPCAssociationNotFound|NoSuchHostedZone',
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
          resources: [`arn:${this.partition}:route53:::hostedzone/${props.paymentZoneId}`],
        }),
        // Route 53 checks the VPC through EC2 on association; DescribeVpcs has no resource-level permissions.
        new iam.PolicyStatement({ actions: ['ec2:DescribeVpcs'], resources: ['*'] }),
      ],
      logsKey: props.logsKey,
      logRetention,
      removalPolicy,
    });
    acknowledge(
      zoneAssociation.resource.node.findChild('CustomResourcePolicy'),
      'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeVpcs, which Route 53 requires of the caller of AssociateVPCWithHostedZone, supports no ' +
        'resource-level permissions; it only lists VPC metadata.',
    );
    acknowledgeCrossAccountReferences(this);
  }
}
