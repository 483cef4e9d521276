import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const NAG_FINDING = /^(AwsSolutions|PCI\.DSS\.321|NIST\.800\.53\.R5)-[A-Za-z0-9]+(\[[^\]]+\])?$/;
/** cfn-lint warnings reported by CDK's built-in CloudFormation validation plugin. */
const CFN_LINT_WARNING = /^CloudFormation-Validate::W\d{4}$/;
const GENERIC_REASONS =
  /^(n\/?a|none|ok|todo|tbd|not needed|not required|false positive|ignore|accepted|by design)\.?$/i;
const MIN_REASON_LENGTH = 30;

/**
 * Acknowledges one cdk-nag finding on one construct, with a reason an auditor can check.
 * Rejects ids that are not a single finding of a registered pack and reasons that are empty or generic.
 */
export function acknowledge(construct: IConstruct, findingId: string, reason: string): void {
  if (!NAG_FINDING.test(findingId) && !CFN_LINT_WARNING.test(findingId)) {
    throw new Error(
      `acknowledge: '${findingId}' is not a finding id of AwsSolutions, PCI.DSS.321, NIST.800.53.R5 or a ` +
        `cfn-lint warning (e.g. 'AwsSolutions-S1', 'AwsSolutions-IAM5[Resource::*]', 'CloudFormation-Validate::W3010')`,
    );
  }
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON_LENGTH || GENERIC_REASONS.test(trimmed)) {
    throw new Error(
      `acknowledge ${findingId} on ${construct.node.path}: reason '${reason}' is too short or generic; ` +
        `say why the control is met another way or cannot apply (at least ${MIN_REASON_LENGTH} characters)`,
    );
  }
  Validations.of(construct).acknowledge({ id: findingId, reason: trimmed });
}
