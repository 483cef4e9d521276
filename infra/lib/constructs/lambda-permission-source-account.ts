import { type IAspect, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Gives every Lambda permission granted to an AWS service principal (`*.amazonaws.com`) without a source the
 * `SourceAccount` of its stack, so the service can invoke the function only on behalf of this account (the
 * confused-deputy protection AWS recommends). CDK itself grants some without one, for example Secrets Manager's
 * right to invoke a rotation function. A permission that names a `SourceArn` is already narrower and is kept.
 * Applied to the whole app by `buildTessera`.
 */
export class LambdaPermissionSourceAccount implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof lambda.CfnPermission)) return;
    const principal = node.principal;
    if (Token.isUnresolved(principal) || !principal.endsWith('.amazonaws.com')) return;
    if (node.sourceAccount !== undefined || node.sourceArn !== undefined) return;
    node.sourceAccount = Stack.of(node).account;
  }
}
