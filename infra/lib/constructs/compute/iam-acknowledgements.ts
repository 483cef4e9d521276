import type * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../compliance/acknowledge.js';

/**
 * The IAM policies CDK grants produce are the role's own inline (default) policy: statements scoped to the
 * resources this role uses. A customer managed policy instead would be attachable to other principals.
 */
export function acknowledgeGrantPolicies(role: iam.IRole): void {
  const reason =
    'CDK grants write least-privilege statements scoped to named resources into the own default policy of the role; ' +
    'a standalone managed policy would be attachable to other principals, widening rather than narrowing access.';
  acknowledge(role, ['PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy'], reason);
}
