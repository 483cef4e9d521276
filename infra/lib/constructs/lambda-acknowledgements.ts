import { Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import { acknowledge } from '../compliance/acknowledge.js';

/** A Tessera Node function in the VPC: the platform runtime and the two AWS-managed execution policies. */
export function acknowledgeVpcNodeFunction(fn: IConstruct): void {
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'nodejs22.x is an AWS-supported LTS runtime and the platform-wide deployment target (Lambda and containers), so the function runs on the Node version its tests run on',
  );
  const role = fn.node.findChild('ServiceRole');
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AWSLambdaBasicExecutionRole is the AWS-maintained policy for writing the function log (CreateLogStream/PutLogEvents); the log group itself is KMS-encrypted with a set retention',
  );
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    'AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy Lambda needs to attach the function to the VPC (network interface create/describe/delete), actions that do not support resource-level permissions',
  );
}

/**
 * A CDK deployment-time Lambda (bucket deployment, AwsCustomResource provider): outside the VPC, unreserved,
 * invoked synchronously by CloudFormation. `why` says what it does; `calls` which APIs it calls.
 */
export function acknowledgeDeployTimeFunction(fn: IConstruct, why: string, calls: string): void {
  acknowledge(
    fn,
    ['PCI.DSS.321-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC'],
    `${why}; it calls only ${calls}, which need no VPC, and handles no cardholder data.`,
  );
  acknowledge(
    fn,
    'NIST.800.53.R5-LambdaConcurrency',
    `${why}; CloudFormation invokes it once per deployment step, so deployments bound its concurrency.`,
  );
  acknowledge(
    fn,
    'NIST.800.53.R5-LambdaDLQ',
    `${why}; CloudFormation invokes it synchronously and fails the deployment on error, so no event can be lost.`,
  );
}

/**
 * The findings of CDK's bucket-deployment provider (function and role) copying from the CDK asset bucket into
 * `destination`. Returns the provider's role, for findings of its extra permissions.
 */
export function acknowledgeBucketDeploymentProvider(
  deployment: s3deploy.BucketDeployment,
  destination: s3.Bucket,
  why: string,
  calls: string,
): IConstruct {
  const role = deployment.handlerRole;
  const fn = role.node.scope as IConstruct;
  acknowledgeDeployTimeFunction(fn, why, calls);
  acknowledge(
    fn,
    'AwsSolutions-L1',
    `${why}; its runtime is pinned by aws-cdk-lib and upgraded with the library.`,
  );
  const inline = `${why}; CDK scopes its inline policy to the asset bucket and the destination bucket.`;
  acknowledge(role, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], inline);
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    `${why}; the AWS-maintained basic execution policy only lets it write its own log streams.`,
  );
  const s3Wildcards = `${why}; CDK grants it object-level S3 actions (read from the asset bucket, write the destination) on those two buckets only.`;
  for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) {
    acknowledge(role, `AwsSolutions-IAM5[Action::${action}]`, s3Wildcards);
  }
  const stack = Stack.of(destination);
  const bucketLogicalId = stack.resolve((destination.node.defaultChild as s3.CfnBucket).logicalId) as string;
  acknowledge(role, `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`, s3Wildcards);
  const qualifier = stack.synthesizer.bootstrapQualifier ?? 'hnb659fds';
  const assetBucket = `cdk-${qualifier}-assets-${stack.account}-${stack.region}`;
  acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`, s3Wildcards);
  return role;
}
