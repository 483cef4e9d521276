import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../compliance/acknowledge.js';
import { acknowledgeDeployTimeFunction } from '../lambda-acknowledgements.js';

export interface PeeringApiCallProps {
  /** What the call does, for the compliance acknowledgements ("Turns on DNS resolution across the peering"). */
  readonly purpose: string;
  /** The call on create (and on update: the same call with the new parameters). */
  readonly onCreate: cr.AwsSdkCall;
  /** The call that undoes it when the resource is deleted. */
  readonly onDelete: cr.AwsSdkCall;
  /** Exactly the permissions both calls need. */
  readonly statements: readonly iam.PolicyStatement[];
  /** Key of the provider's log group. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One AWS API call with an undo, for what CloudFormation has no resource for (DNS resolution over a peering,
 * cross-account hosted-zone association, database grants through the RDS Data API). The provider is CDK's
 * singleton function outside the VPC: it only calls AWS APIs and the CloudFormation response URL.
 */
export class PeeringApiCall extends Construct {
  readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: PeeringApiCallProps) {
    super(scope, id);
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: props.onCreate,
      onUpdate: props.onCreate,
      onDelete: props.onDelete,
      policy: cr.AwsCustomResourcePolicy.fromStatements([...props.statements]),
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      logGroup: new logs.LogGroup(this, 'ProviderLog', {
        encryptionKey: props.logsKey,
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }),
    });
    acknowledge(
      this.resource.node.findChild('CustomResourcePolicy'),
      ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'],
      `${props.purpose}: the policy is bound one-to-one to this call and its undo, and is deleted with it.`,
    );
    acknowledgeProvider(Stack.of(this));
  }
}

const ACKNOWLEDGED = new WeakSet<Stack>();

function acknowledgeProvider(stack: Stack): void {
  if (ACKNOWLEDGED.has(stack)) return;
  ACKNOWLEDGED.add(stack);
  const providerId = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
  const provider = stack.node.findChild(providerId);
  const why =
    'Deployment-time provider of the peering API calls (DNS resolution options, hosted-zone association, ' +
    'the analytics read grants through the RDS Data API): ' +
    'CloudFormation invokes it on create, update and delete of those resources only';
  acknowledgeDeployTimeFunction(
    provider,
    why,
    'the EC2, Route 53 and RDS Data APIs and the CloudFormation response URL',
  );
  acknowledge(
    provider.node.findChild('ServiceRole'),
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    `${why}; the AWS-maintained basic execution policy only lets it write its own KMS-encrypted log group.`,
  );
}
