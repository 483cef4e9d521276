import type { IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/** Statement id of the guard in every key policy. */
export const CREATE_GRANT_GUARD_SID = 'DenyCreateGrantUnlessForAwsResource';

/**
 * The key-policy statement that lets a key be granted only to an AWS service acting for a principal (Aurora,
 * EBS, Secrets Manager, AWS Backup create grants that way): a principal holding kms:CreateGrant cannot hand the
 * key to anyone else directly (PCI DSS 3.6.1, key access restricted to the fewest custodians).
 */
export function createGrantGuardStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: CREATE_GRANT_GUARD_SID,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
  });
}

/**
 * Adds {@link createGrantGuardStatement} to every customer managed key defined in the app, once, wherever the
 * key is created, so no stack can forget it. Keys imported by ARN or alias belong to their owner's policy and
 * are left alone. Applied to the whole app by `buildTessera` (ADR 0022).
 */
export class KmsCreateGrantGuard implements IAspect {
  private readonly guarded = new WeakSet<kms.Key>();

  visit(node: IConstruct): void {
    if (!(node instanceof kms.Key) || this.guarded.has(node)) return;
    this.guarded.add(node);
    node.addToResourcePolicy(createGrantGuardStatement());
  }
}
