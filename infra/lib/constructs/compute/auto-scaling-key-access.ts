import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';

/**
 * EC2 Auto Scaling launches instances and publishes notifications with its service-linked role, whose
 * permissions nobody can extend: a customer managed key admits it only through its key policy. The owner of
 * the key adds these statements (for Tessera, the Security stack in EC2 mode; ADR 0018), and KMS refuses a
 * key policy that names a role which does not exist yet, so the role must exist first: see
 * {@link createAutoScalingServiceLinkedRole} (ADR 0021).
 */
export function autoScalingServiceLinkedRole(scope: IConstruct): iam.IPrincipal {
  return new iam.ArnPrincipal(
    Stack.of(scope).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
    }),
  );
}

/** What the key of the instances' EBS volumes must allow, or launches fail with "Client.InternalError". */
export function autoScalingVolumeKeyAccess(scope: IConstruct): iam.PolicyStatement[] {
  const role = autoScalingServiceLinkedRole(scope);
  return [
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingToUseKeyForEbsVolumes',
      principals: [role],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingToGrantKeyToEbs',
      principals: [role],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
}

/** What the key of an encrypted topic must allow for the group's scaling notifications to reach it. */
export function autoScalingTopicKeyAccess(scope: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowAutoScalingToPublishScalingEvents',
    principals: [autoScalingServiceLinkedRole(scope)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  });
}

/**
 * Creates `AWSServiceRoleForAutoScaling` (which EC2 Auto Scaling otherwise creates only with the account's first
 * group, long after the keys that name it) and makes the given keys wait for it. Retained: every Auto Scaling
 * group of the account uses the one role, so deleting a Tessera stack must not delete it. Creating it fails
 * when the account already has it; the caller's config switch skips it then.
 */
export function createAutoScalingServiceLinkedRole(
  scope: Construct,
  id: string,
  keysNamingIt: readonly IConstruct[],
): iam.CfnServiceLinkedRole {
  const role = new iam.CfnServiceLinkedRole(scope, id, {
    awsServiceName: 'autoscaling.amazonaws.com',
    description: 'EC2 Auto Scaling service-linked role, created before the Tessera key policies that name it',
  });
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  for (const key of keysNamingIt) key.node.addDependency(role);
  return role;
}
