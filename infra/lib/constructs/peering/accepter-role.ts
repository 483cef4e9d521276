import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';

export interface PeeringAccepterRoleProps {
  /** The accepter (analytics) VPC id. */
  readonly vpcId: string;
  /**
   * The one principal allowed to accept: the requester account's CloudFormation execution role, which creates
   * the `AWS::EC2::VPCPeeringConnection` and assumes `PeerRoleArn` to accept it. IAM refuses a trust policy
   * naming a role that does not exist, so the requester account must be bootstrapped first.
   */
  readonly requesterRoleArn: string;
  /** Physical name: the requester names the role in `PeerRoleArn` from another account. */
  readonly roleName: string;
}

/**
 * The role CloudFormation in the requester (payment) account assumes to accept the peering request into this
 * account's VPC: trusted by that account's execution role only, allowed `ec2:AcceptVpcPeeringConnection` on
 * peering connections whose accepter is this VPC, and nothing else.
 */
export class PeeringAccepterRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PeeringAccepterRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const vpcArn = stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpcId });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.ArnPrincipal(props.requesterRoleArn),
      description:
        'Accepts the payment VPC peering request into the analytics VPC (assumed by CloudFormation)',
    });
    this.role.addManagedPolicy(
      new iam.ManagedPolicy(this, 'Policy', {
        description: 'Accept VPC peering connections into the analytics VPC only',
        statements: [
          // The accepter VPC is a resource of the action too; ec2:AccepterVpc exists only on the connection,
          // so the VPC gets its own statement (a condition on a missing key would deny it).
          new iam.PolicyStatement({ actions: ['ec2:AcceptVpcPeeringConnection'], resources: [vpcArn] }),
          new iam.PolicyStatement({
            actions: ['ec2:AcceptVpcPeeringConnection'],
            resources: [
              stack.formatArn({ service: 'ec2', resource: 'vpc-peering-connection', resourceName: '*' }),
            ],
            conditions: { ArnEquals: { 'ec2:AccepterVpc': vpcArn } },
          }),
        ],
      }),
    );
    acknowledge(
      this.node.findChild('Policy'),
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${stack.region}:${stack.account}:vpc-peering-connection/*]`,
      'The peering connection id does not exist until the requester creates it; the statement is bound to ' +
        'connections whose accepter is this VPC (ec2:AccepterVpc), and only CloudFormation of the payment ' +
        'account may assume the role.',
    );
  }
}

/**
 * The CloudFormation execution role of the default CDK bootstrap in `account`/`region` (`cdk bootstrap`): the
 * role that deploys the requester's stack and therefore assumes the accepter role.
 */
export function cdkExecutionRoleArn(scope: Construct, account: string, region: string): string {
  const qualifier = Stack.of(scope).synthesizer.bootstrapQualifier ?? 'hnb659fds';
  return `arn:${Stack.of(scope).partition}:iam::${account}:role/cdk-${qualifier}-cfn-exec-role-${account}-${region}`;
}
